package io.outrigger.it.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The core promise, end to end with the built agent as its own process: a writer appends numbered lines to
 * several files and rotates them (rename+create and copytruncate) while the agent is killed with SIGKILL twice
 * and restarted. Every number must reach the output, in order per physical file, with no more duplicates than
 * could have been in flight.
 */
class CrashAndRotationTest {

    private static final Pattern LINE = Pattern.compile("file=(\\S+) gen=(\\d+) seq=(\\d+)");
    private static final int BUDGET_BYTES = 1 << 20;

    @TempDir Path tmp;

    private final ObjectMapper json = new ObjectMapper();

    /** One logical log file the application writes. */
    private final class AppLog {
        final String name;
        final boolean copyTruncate;
        final Path path;
        int gen = 1;
        int rotations;
        long seq;

        AppLog(String name, boolean copyTruncate) {
            this.name = name;
            this.copyTruncate = copyTruncate;
            this.path = tmp.resolve("logs").resolve(name + ".log");
        }

        void append(int lines) throws IOException {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < lines; i++) {
                sb.append("file=").append(name).append(" gen=").append(gen).append(" seq=").append(++seq)
                        .append(" padding=").append("x".repeat(120)).append('\n');
            }
            Files.writeString(path, sb, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }

        void rotate() throws IOException {
            rotations++;
            Path rotated = path.resolveSibling(name + ".log." + rotations);
            if (copyTruncate) {
                Files.copy(path, rotated, StandardCopyOption.REPLACE_EXISTING);
                try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
                    f.setLength(0);
                }
            } else {
                Files.move(path, rotated);
            }
            gen++;
        }
    }

    private String config() {
        Path logs = tmp.resolve("logs");
        return """
                agent:
                  data_dir: %s
                  shutdown_timeout: 10s
                  checkpoint_interval: 200ms
                  buffer:
                    max_bytes: %d
                  http:
                    listen: ""
                  log:
                    format: text
                inputs:
                  renamed:
                    type: file
                    paths: ["%s/ren-*.log", "%s/ren-*.log.*"]
                  copytruncated:
                    type: file
                    paths: ["%s/ct-*.log"]
                pipelines:
                  all:
                    from: [renamed, copytruncated]
                    to: [out]
                outputs:
                  out:
                    type: file
                    path: %s
                    batch:
                      max_records: 500
                      max_wait: 100ms
                """.formatted(tmp.resolve("data"), BUDGET_BYTES, logs, logs, logs, tmp.resolve("out.ndjson"));
    }

    /** file -> gen -> seqs in output order. */
    private Map<String, Map<Integer, List<Long>>> readOutput() throws IOException {
        Map<String, Map<Integer, List<Long>>> out = new TreeMap<>();
        Path file = tmp.resolve("out.ndjson");
        if (!Files.exists(file)) return out;
        String text = Files.readString(file);
        // the agent may be in the middle of writing a batch: only complete lines count
        text = text.substring(0, text.lastIndexOf('\n') + 1);
        for (String line : text.split("\n")) {
            if (line.isBlank()) continue;
            JsonNode n = json.readTree(line);
            Matcher m = LINE.matcher(n.get("message").asText());
            if (!m.find()) fail("unexpected record " + line);
            out.computeIfAbsent(m.group(1), k -> new TreeMap<>())
                    .computeIfAbsent(Integer.parseInt(m.group(2)), k -> new ArrayList<>()).add(Long.parseLong(m.group(3)));
        }
        return out;
    }

    private long lastDelivered(String file) throws IOException {
        Map<Integer, List<Long>> gens = readOutput().getOrDefault(file, Map.of());
        return gens.values().stream().flatMap(List::stream).mapToLong(Long::longValue).max().orElse(0);
    }

    @Test
    void nothingIsLostAcrossRotationsAndTwoSigkills() throws Exception {
        Files.createDirectories(tmp.resolve("logs"));
        Path cfg = tmp.resolve("pipeline.yaml");
        Files.writeString(cfg, config());
        Path log = tmp.resolve("agent.log");
        List<AppLog> apps = List.of(new AppLog("ren-a", false), new AppLog("ren-b", false),
                new AppLog("ct-c", true), new AppLog("ct-d", true));
        for (AppLog a : apps) a.append(50);

        AgentProcess agent = AgentProcess.start(log, "128m", "run", "-c", cfg.toString());
        try {
            int kills = 0;
            for (int step = 1; step <= 60; step++) {
                for (AppLog a : apps) a.append(40);
                if (step % 12 == 0) {
                    for (AppLog a : apps) {
                        // copytruncate loses whatever the reader has not read when the file is truncated: that is
                        // inherent to copytruncate (the copy is not tailed), so the writer only truncates after the
                        // agent has shipped the file's last line, as a careful operator's logrotate delaycompress would
                        if (a.copyTruncate) {
                            if (!agent.isAlive()) continue;
                            long deadline = System.nanoTime() + 30_000_000_000L;
                            while (lastDelivered(a.name) < a.seq && System.nanoTime() < deadline) Thread.sleep(20);
                        }
                        a.rotate();
                        a.append(5); // lines right after the rotation
                    }
                }
                if (step == 20 || step == 40) {
                    agent.kill9();
                    kills++;
                    for (AppLog a : apps) if (!a.copyTruncate) a.append(30); // written while the agent is down
                    if (step == 40) apps.get(0).rotate(); // a rotation while the agent is down
                    agent = AgentProcess.start(log, "128m", "run", "-c", cfg.toString());
                }
                Thread.sleep(50);
            }
            assertEquals(2, kills);

            long deadline = System.nanoTime() + 60_000_000_000L;
            boolean complete = false;
            while (!complete && System.nanoTime() < deadline) {
                complete = true;
                for (AppLog a : apps) if (lastDelivered(a.name) < a.seq) complete = false;
                if (!complete) Thread.sleep(200);
            }
            int exit = agent.terminate(30);
            assertEquals(0, exit, "graceful stop exits 0; log:\n" + agent.logText());

            Map<String, Map<Integer, List<Long>>> out = readOutput();
            long duplicates = 0;
            for (AppLog a : apps) {
                Map<Integer, List<Long>> gens = out.get(a.name);
                assertTrue(gens != null, a.name + " never reached the output; agent log:\n" + agent.logText());
                Map<Long, Integer> seen = new HashMap<>();
                for (Map.Entry<Integer, List<Long>> g : gens.entrySet()) {
                    long last = 0;
                    for (long s : g.getValue()) {
                        if (seen.merge(s, 1, Integer::sum) > 1) {
                            duplicates++;
                            continue;
                        }
                        assertTrue(s > last, a.name + " gen " + g.getKey() + ": seq " + s + " after " + last + " (out of order)");
                        last = s;
                    }
                }
                for (long s = 1; s <= a.seq; s++) {
                    if (!seen.containsKey(s)) fail(a.name + ": line seq=" + s + " of " + a.seq + " was lost; agent log:\n" + agent.logText());
                }
            }
            // In flight at a kill: at most what the buffer holds plus what was acknowledged after the last
            // checkpoint write; every record is estimated at >= 160 bytes, so the buffer holds at most budget/160.
            long perKill = BUDGET_BYTES / 160 + 4 * 40 * 5;
            long total = apps.stream().mapToLong(a -> a.seq).sum();
            System.out.println("crash test: " + total + " lines written across " + apps.size() + " files, "
                    + apps.stream().mapToInt(a -> a.rotations).sum() + " rotations, 2 SIGKILLs; " + duplicates + " duplicates delivered");
            assertTrue(duplicates <= 2 * perKill, "duplicates " + duplicates + " exceed what could be in flight (" + 2 * perKill + ")");
        } finally {
            agent.close();
        }
    }
}
