package io.outrigger.it.promtail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.outrigger.it.e2e.AgentProcess;
import io.outrigger.outputs.loki.LokiReceiver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Moving a sidecar off Promtail: {@code outrigger convert --from promtail} with {@code --positions}, then
 * {@code outrigger run} of the built agent against the Loki stand-in. Exactly the lines after each Promtail position
 * arrive: none re-sent, none skipped; a file truncated since Promtail's position is read from its start.
 */
class PromtailMigrationTest {

    private static final String TENANT = LokiReceiver.DEFAULT_TENANT;

    @TempDir Path tmp;

    @Test
    void importedPositionsContinueWherePromtailStopped() throws Exception {
        Path logs = Files.createDirectories(tmp.resolve("logs"));
        Path a = logs.resolve("a.log");
        Path b = logs.resolve("b.log");
        Path c = logs.resolve("c.log");
        append(a, "a", 1, 100);   // Promtail sent 1..60
        append(b, "b", 1, 40);    // Promtail sent all of it
        append(c, "c", 1, 3);     // rotated by truncation since: Promtail's position is past its end
        long aPos = offsetAfter(a, 60);
        Path positions = Files.createDirectories(tmp.resolve("promtail")).resolve("positions.yaml");
        Files.writeString(positions, "positions:\n"
                + "  " + a + ": \"" + aPos + "\"\n"
                + "  " + b + ": \"" + Files.size(b) + "\"\n"
                + "  " + c + ": \"99999\"\n"
                + "  " + logs.resolve("gone.log") + ": \"10\"\n"
                + "  journal-systemd: \"s=abc\"\n");
        try (LokiReceiver loki = LokiReceiver.start()) {
            Path promtail = tmp.resolve("promtail.yaml");
            Files.writeString(promtail, """
                    server:
                      http_listen_port: 0
                      grpc_listen_port: 0
                    positions:
                      filename: POSITIONS
                    clients:
                      - url: LOKI/loki/api/v1/push
                    scrape_configs:
                      - job_name: app
                        static_configs:
                          - targets: [localhost]
                            labels:
                              job: migrated
                              __path__: LOGS/*.log
                        pipeline_stages:
                          - regex:
                              expression: '^(?P<file>\\w) seq=(?P<seq>\\d+)'
                          - labels:
                              file:
                    """.replace("POSITIONS", positions.toString()).replace("LOKI", loki.url()).replace("LOGS", logs.toString()));
            Path pipeline = tmp.resolve("pipeline.yaml");
            AgentProcess.Result converted = AgentProcess.run(tmp, "convert", "--from", "promtail", promtail.toString(),
                    "-o", pipeline.toString(), "--positions", positions.toString());
            assertEquals(0, converted.exitCode(), converted.output());
            String out = converted.output();
            assertTrue(out.contains("imported  " + a + ": input app continues at byte " + aPos), out);
            assertTrue(out.contains("imported  " + c + ": input app position 99999 is past the file's size"), out);
            assertTrue(out.contains("skipped   " + logs.resolve("gone.log") + ": the file is gone"), out);
            assertTrue(out.contains("skipped   journal-systemd: not a file path"), out);
            assertTrue(out.contains("3 checkpoints written to " + positions.getParent()), out);
            assertEquals(0, AgentProcess.run(tmp, "validate", "-c", pipeline.toString()).exitCode());

            try (AgentProcess agent = AgentProcess.start(tmp.resolve("agent.log"), "128m", "run", "-c", pipeline.toString())) {
                await(() -> lines(loki, a, "a").size() >= 40 && lines(loki, c, "c").size() >= 3, agent, "a 61..100 and c 1..3");
                append(a, "a", 101, 10); // written after the start: follows on
                append(b, "b", 41, 2);
                await(() -> lines(loki, a, "a").size() >= 50 && lines(loki, b, "b").size() >= 2, agent, "the appended lines");
                assertEquals(0, agent.terminate(30), agent.logText());
            }
            assertEquals(expected("a", 61, 110), lines(loki, a, "a"), "a: exactly the lines after Promtail's position");
            assertEquals(expected("b", 41, 42), lines(loki, b, "b"), "b: nothing of what Promtail sent again");
            assertEquals(expected("c", 1, 3), lines(loki, c, "c"), "c: truncated since, read from its start");
            assertEquals(3, loki.streams(TENANT).size(), "no other stream: " + loki.streams(TENANT));
        }
    }

    private static List<String> lines(LokiReceiver loki, Path file, String name) {
        return loki.lines(TENANT, Map.of("job", "migrated", "filename", file.toString(), "file", name));
    }

    private static List<String> expected(String name, int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i <= to; i++) out.add(line(name, i));
        return out;
    }

    /** Lines of about 60 bytes: a.log and b.log are longer than the 256 bytes a fingerprint takes, c.log is not. */
    private static String line(String name, int seq) { return name + " seq=" + seq + " " + "x".repeat(name.equals("c") ? 10 : 50); }

    private static void append(Path file, String name, int from, int count) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < from + count; i++) sb.append(line(name, i)).append('\n');
        Files.writeString(file, sb, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static long offsetAfter(Path file, int lines) throws Exception {
        long off = 0;
        List<String> all = Files.readAllLines(file);
        for (int i = 0; i < lines; i++) off += all.get(i).getBytes(StandardCharsets.UTF_8).length + 1;
        return off;
    }

    private static void await(BooleanSupplier done, AgentProcess agent, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!done.getAsBoolean()) {
            if (!agent.isAlive()) fail("agent died waiting for: " + what + "; log:\n" + agent.logText());
            if (System.nanoTime() > deadline) fail("timed out waiting for: " + what + "; log:\n" + agent.logText());
            Thread.sleep(100);
        }
    }
}
