package io.outrigger.it.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The root launcher's JVM AOT cache (JDK 25+): made once per jar, used by the next runs, remade when the jar changes,
 * never by two launchers at once. Runs a copy of {@code ./outrigger} and the built jar in a temporary tree with the
 * checkout's layout (no sources, so nothing is rebuilt), so the checkout's own agent/target is left alone.
 * {@code JAVA_TOOL_OPTIONS=-XX:AOTMode=on} makes a JVM fail to start when its cache cannot be used in full.
 */
class AotCacheTest {

    private static final String STRICT = "-XX:AOTMode=on";

    @TempDir Path tree;
    private Path launcher;
    private Path jar;
    private Path aot;
    private Path id;

    private record Result(int exit, String out, String err) {}

    @BeforeEach
    void copyLauncherAndJar() throws IOException {
        assumeTrue(Runtime.version().feature() >= 25, "the AOT cache needs a JDK 25+");
        Path root = Path.of(System.getProperty("outrigger.root", "..")).toAbsolutePath().normalize();
        launcher = tree.resolve("outrigger");
        Files.copy(root.resolve("outrigger"), launcher, StandardCopyOption.COPY_ATTRIBUTES);
        Path target = Files.createDirectories(tree.resolve("agent/target"));
        jar = target.resolve("outrigger.jar");
        Files.copy(Path.of(System.getProperty("outrigger.jar")), jar);
        aot = target.resolve("outrigger.aot");
        id = target.resolve("outrigger.aot.id");
    }

    private Result launch(Map<String, String> env, String... args) throws Exception {
        return launchAsync(env, args).get();
    }

    private interface Pending { Result get() throws Exception; }

    private Pending launchAsync(Map<String, String> env, String... args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder();
        pb.command().add(launcher.toString());
        pb.command().addAll(List.of(args));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("OUTRIGGER_JAVA_OPTS");
        pb.environment().remove("OUTRIGGER_AOT");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().putAll(env);
        Path out = Files.createTempFile(tree, "out", ".txt");
        Path err = Files.createTempFile(tree, "err", ".txt");
        Process p = pb.directory(tree.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return () -> {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the launcher did not finish: " + Files.readString(err));
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        };
    }

    /** The launcher's stderr without the JVM's "Picked up JAVA_TOOL_OPTIONS" note. */
    private static String problems(Result r) {
        return r.err().lines().filter(l -> !l.startsWith("Picked up JAVA_TOOL_OPTIONS")).reduce("", (a, b) -> a + b + "\n");
    }

    private FileTime mtime(Path p) throws IOException { return Files.getLastModifiedTime(p); }

    private void assertFreshCache() throws IOException {
        assertTrue(Files.isRegularFile(aot), "no cache made");
        assertTrue(mtime(aot).compareTo(mtime(jar)) > 0, "the cache is older than the jar");
        assertFalse(Files.readString(id).startsWith("failed"), Files.readString(id));
        try (var s = Files.list(aot.getParent())) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().contains(".tmp")).toList(), "temporary files left");
        }
    }

    @Test
    void madeOnFirstRunUsedAfterwardsAndRemadeWhenTheJarChanges() throws Exception {
        Result first = launch(Map.of(), "--version");
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.out().startsWith("outrigger "), first.out());
        assertTrue(first.err().contains("making the JVM's AOT cache"), first.err());
        assertFreshCache();
        FileTime made = mtime(aot);

        // used as is: no warning, nothing remade, and a JVM that refuses to start without its cache starts
        Result second = launch(Map.of(), "--version");
        assertEquals(0, second.exit(), second.err());
        assertEquals("", second.err());
        Result strict = launch(Map.of("JAVA_TOOL_OPTIONS", STRICT), "validate", "--help");
        assertEquals(0, strict.exit(), strict.err());
        assertEquals("", problems(strict));
        assertEquals(made, mtime(aot), "remade although the jar did not change");

        // a new jar: OUTRIGGER_AOT=off and OUTRIGGER_JAVA_OPTS run without the cache and do not remake it
        Files.setLastModifiedTime(jar, FileTime.fromMillis(made.toMillis() + 1000));
        Result off = launch(Map.of("OUTRIGGER_AOT", "off"), "--version");
        assertEquals(0, off.exit(), off.err());
        assertEquals("", off.err());
        Result own = launch(Map.of("OUTRIGGER_JAVA_OPTS", "-Xmx64m -XX:+UseSerialGC"), "--version");
        assertEquals(0, own.exit(), own.err());
        assertEquals("", own.err());
        assertEquals(made, mtime(aot));

        // the next launcher remakes it, and it is used in full
        Result remade = launch(Map.of(), "--version");
        assertEquals(0, remade.exit(), remade.err());
        assertTrue(remade.err().contains("making the JVM's AOT cache"), remade.err());
        assertFreshCache();
        assertTrue(mtime(aot).compareTo(made) > 0);
        strict = launch(Map.of("JAVA_TOOL_OPTIONS", STRICT), "--version");
        assertEquals(0, strict.exit(), strict.err());
        assertEquals("", problems(strict));
    }

    @Test
    void aConfigWithAKafkaOutputGetsItsOwnCacheWithTheKafkaClient() throws Exception {
        Path kafkaYaml = Files.writeString(tree.resolve("kafka.yaml"), """
                inputs: {app: {type: file, paths: ["/var/log/app/*.log"]}}
                pipelines: {p: {from: [app], to: [events]}}
                outputs:
                  events: {type: "kafka", brokers: ["kafka:9092"], topic: logs}
                """);
        Path fileYaml = Files.writeString(tree.resolve("file.yaml"), """
                inputs: {app: {type: file, paths: ["/var/log/app/*.log"]}}
                pipelines: {p: {from: [app], to: [out]}}
                outputs:
                  out: {type: file, path: /tmp/out.ndjson} # not kafka
                """);
        Path kafkaAot = aot.resolveSibling("outrigger-kafka.aot");
        Result k = launch(Map.of(), "validate", "-c", kafkaYaml.toString());
        assertEquals(0, k.exit(), k.err());
        assertTrue(k.err().contains("making the JVM's AOT cache"), k.err());
        assertTrue(Files.isRegularFile(kafkaAot), "no kafka cache made");
        assertFalse(Files.exists(aot), "the plain cache is made only for a config without kafka");
        String log = Files.readString(tree.resolve("agent/target/outrigger-kafka-aot.log"));
        assertTrue(log.contains("60000 records delivered"), "20000 lines to each of 3 file outputs (kafka only tries, no broker): " + log);
        Result strict = launch(Map.of("JAVA_TOOL_OPTIONS", STRICT), "validate", "--config=" + kafkaYaml);
        assertEquals(0, strict.exit(), strict.err());
        assertEquals("", problems(strict));

        Result f = launch(Map.of(), "validate", "-c", fileYaml.toString());
        assertEquals(0, f.exit(), f.err());
        assertTrue(f.err().contains("making the JVM's AOT cache"), f.err());
        assertFreshCache();
        assertTrue(Files.readString(tree.resolve("agent/target/outrigger-aot.log")).contains("60000 records delivered"));
        assertTrue(Files.size(kafkaAot) > Files.size(aot), "the kafka cache holds more classes");
    }

    @Test
    void aConfigWithElasticsearchKafkaAndLokiOutputsGetsACacheWithTheirClients() throws Exception {
        Path both = Files.writeString(tree.resolve("all.yaml"), """
                inputs: {app: {type: file, paths: ["/var/log/app/*.log"]}}
                pipelines: {p: {from: [app], to: [events, search, logs]}}
                outputs:
                  events: {type: kafka, brokers: ["kafka:9092"], topic: logs}
                  search: {type: elasticsearch, hosts: ["http://es:9200"], index: logs}
                  logs: {type: 'loki', url: "http://loki:3100", labels: {app: web}}
                """);
        Result r = launch(Map.of(), "validate", "-c", both.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(Files.isRegularFile(aot.resolveSibling("outrigger-elasticsearch-kafka-loki.aot")), "no cache for the three clients");
        String log = Files.readString(tree.resolve("agent/target/outrigger-elasticsearch-kafka-loki-aot.log"));
        assertTrue(log.contains("100000 records delivered"), "20000 lines to 3 file outputs, elasticsearch, loki (kafka only tries): " + log);
        Result strict = launch(Map.of("JAVA_TOOL_OPTIONS", STRICT), "validate", "-c", both.toString());
        assertEquals(0, strict.exit(), strict.err());
        assertEquals("", problems(strict));
    }

    @Test
    void twoLaunchersAtOnceTrainOnceAndBothRun() throws Exception {
        Pending a = launchAsync(Map.of(), "--version");
        Pending b = launchAsync(Map.of(), "--version");
        Result ra = a.get();
        Result rb = b.get();
        assertEquals(0, ra.exit(), ra.err());
        assertEquals(0, rb.exit(), rb.err());
        assertTrue(ra.out().startsWith("outrigger ") && rb.out().startsWith("outrigger "), ra.out() + rb.out());
        long trainings = (ra.err() + rb.err()).lines().filter(l -> l.contains("making the JVM's AOT cache")).count();
        assertEquals(1, trainings, ra.err() + rb.err());
        assertFreshCache();
        Result strict = launch(Map.of("JAVA_TOOL_OPTIONS", STRICT), "--version");
        assertEquals(0, strict.exit(), strict.err());
        assertEquals("", problems(strict));
    }

    @Test
    void aFailedTrainingStillRunsTheCommandAndIsNotRetriedForTheSameJar() throws Exception {
        Path notADirectory = Files.writeString(tree.resolve("file"), "x");
        // the training cannot make its work directory
        Result failed = launch(Map.of("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + notADirectory.resolve("tmp")), "--version");
        assertEquals(0, failed.exit(), failed.err());
        assertTrue(failed.out().startsWith("outrigger "), failed.out());
        assertTrue(failed.err().contains("could not make the AOT cache"), failed.err());
        assertFalse(Files.exists(aot));
        assertTrue(Files.readString(id).startsWith("failed "), Files.readString(id));

        Result next = launch(Map.of(), "--version");
        assertEquals(0, next.exit(), next.err());
        assertEquals("", next.err(), "tried again for the same jar");
        assertFalse(Files.exists(aot));
    }
}
