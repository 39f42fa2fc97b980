package io.outrigger.it.conf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.it.e2e.AgentProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every example under conf/ validates, carries a tests: section that passes under {@code outrigger test}, and
 * runs under {@code outrigger dry-run --inspect} on its sample lines (conf/samples/NAME.log), each as the separate
 * process a user would run.
 */
class ConfExamplesTest {

    static Path root() { return Path.of(System.getProperty("outrigger.root", "..")).toAbsolutePath().normalize(); }

    static Stream<String> examples() throws IOException {
        List<String> names;
        try (Stream<Path> s = Files.list(root().resolve("conf"))) {
            names = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList();
        }
        assertFalse(names.isEmpty());
        return names.stream();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void validates(String name) throws Exception {
        AgentProcess.Result r = AgentProcess.run(root(), "validate", "-c", "conf/" + name);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("OK"), r.output());
    }

    @ParameterizedTest
    @MethodSource("examples")
    void itsTestsPass(String name) throws Exception {
        AgentProcess.Result r = AgentProcess.run(root(), "test", "-c", "conf/" + name);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("PASS"), r.output());
        assertFalse(r.output().contains("FAIL"), r.output());
    }

    @ParameterizedTest
    @MethodSource("examples")
    void dryRunInspectsItsSample(String name) throws Exception {
        String base = name.substring(0, name.length() - ".yaml".length());
        Path sample = root().resolve("conf/samples/" + base + ".log");
        assertTrue(Files.isRegularFile(sample), "each example has sample lines at conf/samples/" + base + ".log");
        String config = Files.readString(root().resolve("conf/" + name));
        String pipeline = config.contains("\npipelines:\n") ? firstPipeline(config) : null;
        AgentProcess.Result r = pipeline == null
                ? AgentProcess.run(root(), "dry-run", "-c", "conf/" + name, "--input", sample.toString(), "--inspect", "--fail-on-error")
                : AgentProcess.run(root(), "dry-run", "-c", "conf/" + name, "--pipeline", pipeline, "--input", sample.toString(), "--inspect", "--fail-on-error");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("record 1:"), r.output());
    }

    private static String firstPipeline(String yaml) {
        String after = yaml.substring(yaml.indexOf("\npipelines:\n") + "\npipelines:\n".length());
        String line = after.lines().filter(l -> l.startsWith("  ") && !l.startsWith("   ") && l.trim().endsWith(":")).findFirst().orElseThrow();
        return line.trim().substring(0, line.trim().length() - 1);
    }
}
