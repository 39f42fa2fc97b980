package io.outrigger.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code outrigger aot-train}: the AOT cache's training run delivers every sample line and leaves nothing behind. */
class TrainCommandTest {

    @TempDir Path tmp;

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = Main.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter outWriter = new PrintWriter(out, true);
        PrintWriter errWriter = new PrintWriter(err, true);
        cl.setOut(outWriter);
        cl.setErr(errWriter);
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int exit = cl.execute(args);
            outWriter.flush();
            errWriter.flush();
            return new Run(exit, out + captured.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(stdout);
        }
    }

    private static List<Path> list(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void everySampleLineGoesThroughEachPipelineAndNothingIsPrinted() throws Exception {
        Run r = run("aot-train", "--dir", tmp.toString(), "--lines", "3000", "--keep");
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.out(), "records must never go to stdout");
        assertTrue(r.err().contains("9000 records delivered"), r.err());
        List<Path> work = list(tmp);
        assertEquals(1, work.size(), work.toString());
        Path out = work.get(0).resolve("out");
        List<String> raw = Files.readAllLines(out.resolve("raw.ndjson"));
        List<String> parsed = Files.readAllLines(out.resolve("parsed.ndjson"));
        List<String> nginx = Files.readAllLines(out.resolve("nginx.ndjson"));
        assertEquals(3000, raw.size());
        assertEquals(3000, parsed.size());
        assertEquals(3000, nginx.size());
        // each line exactly once, and the stages really parsed them
        assertEquals(3000, parsed.stream().distinct().count());
        assertTrue(parsed.stream().allMatch(l -> l.contains("\"order_id\":")), parsed.get(0));
        assertTrue(parsed.stream().anyMatch(l -> l.contains("\"order_id\":2999,")), "the last lines are delivered");
        assertTrue(nginx.stream().allMatch(l -> l.contains("\"code\":")), nginx.get(0));
        assertTrue(nginx.stream().anyMatch(l -> l.contains("/api/v1/orders/3000?")), "the last nginx line is delivered");
        // the checkpoints cover what was delivered
        assertTrue(Files.isDirectory(work.get(0).resolve("data")));
    }

    @Test
    void withKafkaAKafkaOutputTriesToSendWithoutABroker() throws Exception {
        Run r = run("aot-train", "--dir", tmp.toString(), "--lines", "2000", "--kafka");
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.out());
        assertTrue(r.err().contains("6000 records delivered"), r.err()); // 2000 to each file output; kafka only tries
        assertEquals(List.of(), list(tmp));
    }

    @Test
    void withElasticsearchKafkaAndLokiTheJsonAlsoGoesThroughEach() throws Exception {
        Run r = run("aot-train", "--dir", tmp.toString(), "--lines", "1000", "--elasticsearch", "--kafka", "--loki");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("5000 records delivered"), r.err()); // 1000 to each file output, elasticsearch, loki
    }

    @Test
    void theWorkDirectoryIsDeletedWithoutKeep() throws Exception {
        Run r = run("aot-train", "--dir", tmp.toString(), "--lines", "500");
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of(), list(tmp));
    }

    @Test
    void isHiddenFromTheHelp() {
        String usage = Main.newCommandLine().getUsageMessage();
        assertTrue(usage.contains("validate"), usage);
        assertTrue(!usage.contains("aot-train"), usage);
    }
}
