package io.outrigger.it.loki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.outrigger.it.e2e.AgentProcess;
import io.outrigger.outputs.loki.LokiReceiver;
import java.io.IOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built agent, as its own process, tailing files into Loki (the {@link LokiReceiver} stand-in, which decodes
 * Snappy+protobuf pushes and answers as Loki 2.9 does). One receiver for the class; every test has its own
 * {@code test} label, so its streams are its own. Each output has static labels {@code job, test, file}: one
 * stream per file. Lines are {@code <file> seq=<n> <padding>}; what Loki stored is checked stream by stream.
 */
class LokiAgentEndToEndTest {

    private static final String TENANT = LokiReceiver.DEFAULT_TENANT;
    private static final long DEADLINE_NANOS = 60_000_000_000L;

    private static LokiReceiver loki;

    @TempDir Path tmp;

    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll static void startLoki() throws IOException { loki = LokiReceiver.start(); }

    @AfterAll static void stopLoki() {
        if (loki != null) loki.close();
    }

    // ---- 1 -------------------------------------------------------------------------------------------------

    @Test
    void hundredThousandLinesFromTwoFilesArriveCompleteAndInOrderPerStream() throws Exception {
        int perFile = 50_000;
        int chunk = 5_000;
        List<String> files = List.of("a", "b");
        Path cfg = writeConfig("complete", files, "", 1);
        Map<String, List<LokiReceiver.Entry>> got = Map.of("a", new ArrayList<>(), "b", new ArrayList<>());
        loki.reset();
        try (AgentProcess agent = startAgent(cfg)) {
            // Tailed while being written, in rounds: the receiver's store is drained after each round because its
            // duplicate and out-of-order checks scan a whole stream per entry (quadratic in the stream's size).
            // Nothing is in flight when it is drained: every line written so far has been stored.
            for (int from = 1; from <= perFile; from += chunk) {
                for (String f : files) append(f, from, chunk, 20);
                awaitTrue(() -> files.stream().allMatch(f -> stream("complete", f).size() >= chunk), agent,
                        "lines " + from + ".." + (from + chunk - 1) + " of both files");
                assertTrue(loki.pushes().stream().allMatch(p -> p.status() == 204), "every push was accepted");
                for (String f : files) got.get(f).addAll(loki.entries(TENANT, labels("complete", f)));
                loki.reset();
            }
            assertEquals(0, agent.terminate(30), "graceful stop; log:\n" + agent.logText());
        }
        for (String f : files) {
            List<LokiReceiver.Entry> entries = got.get(f);
            entries.addAll(loki.entries(TENANT, labels("complete", f))); // anything sent after the last round
            assertEquals(perFile, entries.size(), "stream " + f + ": every line exactly once");
            for (int i = 0; i < perFile; i++) {
                LokiReceiver.Entry e = entries.get(i);
                assertEquals(line(f, i + 1, 20), e.line(), "stream " + f + " entry " + i + " (content and order)");
                // a Loki query returns entries sorted by time: the timestamps must agree with the file's order
                if (i > 0) assertFalse(e.timestamp().isBefore(entries.get(i - 1).timestamp()), "stream " + f + ": time goes back at " + i);
            }
        }
        System.out.println("loki e2e: " + perFile * files.size() + " lines in 2 streams, in order");
    }

    // ---- 2 -------------------------------------------------------------------------------------------------

    @Test
    void lokiStoppedAndRestartedMidStreamLosesNothingAndMemoryStaysBounded() throws Exception {
        int pad = 1_000; // ~1 KiB lines: the outage backlog (25 MB) is well over the 16 MiB buffer
        Path cfg = writeConfig("outage", List.of("a"), "", 1);
        append("a", 1, 5_000, pad);
        List<String> beforeStop;
        long[] maxRss = {0};
        int total;
        int port = loki.port();
        boolean stopped = false;
        boolean restarted = false;
        try (AgentProcess agent = startAgent(cfg)) {
            awaitTrue(() -> stream("outage", "a").size() >= 1_000, agent, "first lines delivered");
            loki.close(); // the listening socket goes away: connection refused from now on
            stopped = true;
            beforeStop = stream("outage", "a");
            int next = 5_001;
            for (int i = 0; i < 25; i++) { // ~25 MB written while Loki is down
                append("a", next, 1_000, pad);
                next += 1_000;
                Thread.sleep(100);
                assertTrue(agent.isAlive(), "agent died while Loki was down:\n" + agent.logText());
                maxRss[0] = Math.max(maxRss[0], agent.rssBytes());
            }
            for (int i = 0; i < 10; i++) { // let reading hit the budget and retries back off
                Thread.sleep(200);
                maxRss[0] = Math.max(maxRss[0], agent.rssBytes());
            }
            total = next - 1;
            loki = restart(port);
            restarted = true;
            int expected = total;
            List<String> before = beforeStop;
            awaitTrue(() -> {
                maxRss[0] = Math.max(maxRss[0], rss(agent));
                return seqs(concat(before, stream("outage", "a"))).cardinality() >= expected;
            }, agent, "everything delivered after the restart");
            assertEquals(0, agent.terminate(30), "graceful stop; log:\n" + agent.logText());
        } finally {
            if (stopped && !restarted) loki = restart(port); // for the other tests
        }
        List<String> all = concat(beforeStop, stream("outage", "a"));
        BitSet seen = seqs(all);
        for (int s = 1; s <= total; s++) if (!seen.get(s)) fail("seq " + s + " of " + total + " was lost");
        assertInOrderIgnoringRepeats(all);
        assertTrue(maxRss[0] < 384L << 20, "RSS " + (maxRss[0] >> 20) + " MiB during the outage; buffer 16 MiB, heap 128 MiB");
        System.out.println("loki e2e: outage with " + (total - beforeStop.size()) + " lines pending; max RSS "
                + (maxRss[0] >> 20) + " MiB; " + (all.size() - total) + " duplicates");
    }

    // ---- 3 -------------------------------------------------------------------------------------------------

    @Test
    void agentKilledWithSigkillAndRestartedLosesNothing() throws Exception {
        List<String> files = List.of("a", "b");
        Path cfg = writeConfig("sigkill", files, "", 2);
        int next = 1;
        for (String f : files) append(f, next, 2_000, 60);
        next += 2_000;
        AgentProcess agent = startAgent(cfg);
        try {
            for (int i = 0; i < 4; i++) {
                for (String f : files) append(f, next, 1_000, 60);
                next += 1_000;
                Thread.sleep(50);
            }
            AgentProcess first = agent;
            awaitTrue(() -> stream("sigkill", "a").size() >= 3_000, first, "lines delivered before the kill");
            agent.kill9();
            int beforeKill = next - 1;
            for (String f : files) append(f, next, 3_000, 60); // written while the agent is down
            next += 3_000;
            agent = startAgent(cfg);
            for (int i = 0; i < 4; i++) {
                for (String f : files) append(f, next, 1_000, 60);
                next += 1_000;
                Thread.sleep(50);
            }
            int total = next - 1;
            AgentProcess second = agent;
            awaitTrue(() -> files.stream().allMatch(f -> seqs(stream("sigkill", f)).cardinality() >= total), second,
                    "everything delivered after the restart");
            assertEquals(0, agent.terminate(30), "graceful stop; log:\n" + agent.logText());
            long duplicates = 0;
            for (String f : files) {
                List<String> lines = stream("sigkill", f);
                BitSet seen = seqs(lines);
                for (int s = 1; s <= total; s++) if (!seen.get(s)) fail(f + ": seq " + s + " of " + total + " was lost");
                for (String l : lines) assertTrue(l.equals(line(f, seqOf(l), 60)), "unexpected line " + l);
                // only lines read before the kill can be read again, and at most once more
                assertTrue(lines.size() - total <= beforeKill, f + ": " + (lines.size() - total) + " duplicates, more than the "
                        + beforeKill + " lines written before the kill");
                duplicates += lines.size() - total;
            }
            System.out.println("loki e2e: " + 2 * total + " lines across a SIGKILL; " + duplicates + " delivered twice");
        } finally {
            agent.close();
        }
    }

    // ---- 4 -------------------------------------------------------------------------------------------------

    @Test
    void aLineLokiRefusesGoesToDeadLettersAndTheLinesAfterItAreDelivered() throws Exception {
        int poisonSeq = 101;
        int maxRecords = 5;
        String extra = """
                    max_line_bytes: 1MiB
                    batch:
                      max_records: %d
                      max_wait: 100ms
                """.formatted(maxRecords);
        Path cfg = writeConfig("poison", List.of("a"), extra, 1);
        String poison = "a seq=" + poisonSeq + " " + "p".repeat(300_000); // over Loki's 256 KiB max entry size
        append("a", 1, poisonSeq - 1, 20);
        Files.writeString(logFile("a"), poison + "\n", StandardOpenOption.APPEND);
        append("a", poisonSeq + 1, 99, 20);
        Path deadLetters = tmp.resolve("data/dead-letters/loki_a.ndjson");
        try (AgentProcess agent = startAgent(cfg)) {
            awaitTrue(() -> Files.exists(deadLetters) && stream("poison", "a").size() >= 199, agent,
                    "the poisoned batch dead-lettered and the other lines delivered");
            append("a", 201, 50, 20); // the output keeps working after the refusal
            awaitTrue(() -> stream("poison", "a").size() >= 249, agent, "lines written after the dead letter");
            assertEquals(0, agent.terminate(30), "graceful stop; log:\n" + agent.logText());
        }
        List<String> stored = stream("poison", "a");
        assertEquals(249, stored.size(), "every good line once, the refused one not");
        BitSet seen = seqs(stored);
        for (int s = 1; s <= 250; s++) assertEquals(s != poisonSeq, seen.get(s), "seq " + s + " stored");
        assertInOrderIgnoringRepeats(stored);

        List<JsonNode> letters = new ArrayList<>();
        for (String l : Files.readAllLines(deadLetters)) if (!l.isBlank()) letters.add(json.readTree(l));
        assertFalse(letters.isEmpty());
        assertTrue(letters.size() <= maxRecords, "only the poisoned batch is dead-lettered: " + letters.size());
        boolean poisonFound = false;
        for (JsonNode l : letters) {
            assertEquals("loki_a", l.path("output").asText());
            assertEquals("bad_request", l.path("reason").asText());
            String detail = l.path("detail").asText();
            assertTrue(detail.startsWith("HTTP 400: Max entry size '262144' bytes exceeded for stream '{file=\"a\", job=\"e2e\", test=\"poison\"}'"
                    + " while adding an entry with length '" + poison.length() + "' bytes"), "Loki's message: " + detail);
            String message = l.path("record").path("message").asText();
            if (message.equals(poison)) poisonFound = true;
            else assertTrue(Math.abs(seqOf(message) - poisonSeq) < maxRecords, "a neighbour of the poisoned line: " + message);
        }
        assertTrue(poisonFound, "the refused line itself is in the dead-letter file");
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private static Map<String, String> labels(String test, String file) {
        return Map.of("job", "e2e", "test", test, "file", file);
    }

    private static List<String> stream(String test, String file) { return loki.lines(TENANT, labels(test, file)); }

    private Path logFile(String file) { return tmp.resolve("logs").resolve(file + ".log"); }

    private static String line(String file, int seq, int pad) { return file + " seq=" + seq + " " + "x".repeat(pad); }

    private static int seqOf(String line) {
        int at = line.indexOf(" seq=") + 5;
        int end = line.indexOf(' ', at);
        return Integer.parseInt(line.substring(at, end < 0 ? line.length() : end));
    }

    private static BitSet seqs(List<String> lines) {
        BitSet b = new BitSet();
        for (String l : lines) b.set(seqOf(l));
        return b;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** Each line is either one seen before (a redelivery) or the next new one, in file order. */
    private static void assertInOrderIgnoringRepeats(List<String> lines) {
        BitSet seen = new BitSet();
        int last = 0;
        for (String l : lines) {
            int s = seqOf(l);
            if (seen.get(s)) continue;
            assertTrue(s > last, "seq " + s + " arrived after " + last);
            seen.set(s);
            last = s;
        }
    }

    private void append(String file, int from, int count, int pad) throws IOException {
        StringBuilder sb = new StringBuilder(count * (pad + 20));
        for (int s = from; s < from + count; s++) sb.append(line(file, s, pad)).append('\n');
        Files.writeString(logFile(file), sb, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** One input, pipeline and Loki output per file; {@code outputExtra} is indented YAML added to each output. */
    private Path writeConfig(String test, List<String> files, String outputExtra, int concurrency) throws IOException {
        Files.createDirectories(tmp.resolve("logs"));
        StringBuilder inputs = new StringBuilder();
        StringBuilder pipelines = new StringBuilder();
        StringBuilder outputs = new StringBuilder();
        for (String f : files) {
            inputs.append("""
                      in_%s:
                        type: file
                        paths: ["%s"]
                        max_line_bytes: 1MiB
                    """.formatted(f, logFile(f)));
            pipelines.append("""
                      p_%s:
                        from: [in_%s]
                        stages: []
                        to: [loki_%s]
                    """.formatted(f, f, f));
            String batch = outputExtra.contains("batch:") ? "" : """
                        batch:
                          max_records: 1000
                          max_wait: 100ms
                    """;
            outputs.append("""
                      loki_%s:
                        type: loki
                        url: %s
                        labels: {job: e2e, test: %s, file: %s}
                        concurrency: %d
                        retry:
                          initial_backoff: 100ms
                          max_backoff: 1s
                    """.formatted(f, loki.url(), test, f, concurrency)).append(batch).append(outputExtra);
        }
        String yaml = """
                agent:
                  data_dir: %s
                  shutdown_timeout: 10s
                  checkpoint_interval: 200ms
                  buffer:
                    max_bytes: 16MiB
                  http:
                    listen: ""
                  log:
                    format: text
                inputs:
                %spipelines:
                %soutputs:
                %s""".formatted(tmp.resolve("data"), inputs, pipelines, outputs);
        Path cfg = tmp.resolve("pipeline.yaml");
        Files.writeString(cfg, yaml);
        return cfg;
    }

    private AgentProcess startAgent(Path cfg) throws IOException {
        return AgentProcess.start(tmp.resolve("agent.log"), "128m", "run", "-c", cfg.toString());
    }

    private static long rss(AgentProcess agent) {
        try {
            return agent.rssBytes();
        } catch (IOException e) {
            return 0;
        }
    }

    /** A new receiver on the same port (the old socket may linger a moment). */
    private static LokiReceiver restart(int port) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                return LokiReceiver.builder().port(port).start();
            } catch (BindException e) {
                if (System.nanoTime() > deadline) throw e;
                Thread.sleep(100);
            }
        }
    }

    private static void awaitTrue(BooleanSupplier done, AgentProcess agent, String what) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (!done.getAsBoolean()) {
            if (!agent.isAlive()) fail("agent died waiting for: " + what + "; log:\n" + agent.logText());
            if (System.nanoTime() > deadline) fail("timed out waiting for: " + what + "; agent log:\n" + agent.logText());
            Thread.sleep(100);
        }
    }
}
