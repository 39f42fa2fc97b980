package io.outrigger.it.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An output that never acknowledges must stop the reader, not grow memory: with a 1 GiB backlog the agent stays
 * within its budget (it runs with a 128 MiB heap, so unbounded buffering would kill it), and once the output
 * recovers every line is delivered.
 */
class BackpressureTest {

    private static final long BACKLOG_BYTES = 1L << 30;
    private static final int LINE_BYTES = 200;

    @TempDir Path tmp;

    @Test
    void aStuckOutputStopsReadingAndNothingIsLostWhenItRecovers() throws Exception {
        Path logs = Files.createDirectories(tmp.resolve("logs"));
        long lines = writeBacklog(logs.resolve("big.log"));
        // The output's directory is blocked by a plain file: every send fails (retryable) until it is removed.
        Path blocker = tmp.resolve("out");
        Files.writeString(blocker, "not a directory");
        Path cfg = tmp.resolve("pipeline.yaml");
        Files.writeString(cfg, """
                agent:
                  data_dir: %s
                  buffer:
                    max_bytes: 16MiB
                  http:
                    listen: ""
                  log:
                    format: text
                inputs:
                  big:
                    type: file
                    paths: ["%s/*.log"]
                pipelines:
                  p:
                    from: [big]
                    to: [out]
                outputs:
                  out:
                    type: file
                    path: %s/out.ndjson
                    retry:
                      initial_backoff: 100ms
                      max_backoff: 500ms
                """.formatted(tmp.resolve("data"), logs, blocker));

        try (AgentProcess agent = AgentProcess.start(tmp.resolve("agent.log"), "128m", "run", "-c", cfg.toString())) {
            long maxRss = 0;
            for (int i = 0; i < 40; i++) {
                Thread.sleep(250);
                assertTrue(agent.isAlive(), "agent died while its output was stuck:\n" + agent.logText());
                maxRss = Math.max(maxRss, agent.rssBytes());
            }
            assertTrue(maxRss < 320L << 20, "RSS " + (maxRss >> 20) + " MiB while stuck; budget is 16 MiB, heap cap 128 MiB");
            assertFalse(Files.exists(blocker.resolve("out.ndjson")));
            String checkpoints = Files.readString(tmp.resolve("data/checkpoints.json"));
            assertFalse(checkpoints.matches("(?s).*\"offset\" : [1-9].*"), "nothing was acknowledged, so nothing may be committed: " + checkpoints);

            Files.delete(blocker); // the output recovers
            Path out = blocker.resolve("out.ndjson");
            long deadline = System.nanoTime() + 240_000_000_000L;
            long delivered = 0;
            while (System.nanoTime() < deadline) {
                delivered = Files.exists(out) ? countLines(out) : 0;
                if (delivered >= lines) break;
                assertTrue(agent.isAlive(), "agent died:\n" + agent.logText());
                Thread.sleep(1000);
            }
            assertEquals(lines, delivered, "every line of the backlog is delivered once the output recovers");
            assertEquals(0, agent.terminate(30));
        }
    }

    /** Writes ~1 GiB of numbered 200-byte lines; returns how many. */
    private static long writeBacklog(Path file) throws IOException {
        long n = BACKLOG_BYTES / LINE_BYTES;
        byte[] pad = "x".repeat(LINE_BYTES).getBytes(StandardCharsets.US_ASCII);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            for (long i = 1; i <= n; i++) {
                byte[] head = ("{\"seq\":" + i + ",\"msg\":\"").getBytes(StandardCharsets.US_ASCII);
                out.write(head);
                out.write(pad, 0, LINE_BYTES - head.length - 3);
                out.write('"');
                out.write('}');
                out.write('\n');
            }
        }
        return n;
    }

    private static long countLines(Path file) throws IOException {
        long count = 0;
        byte[] buf = new byte[1 << 20];
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
            int r;
            while ((r = in.read(buf)) > 0) {
                for (int i = 0; i < r; i++) if (buf[i] == '\n') count++;
            }
        }
        return count;
    }
}
