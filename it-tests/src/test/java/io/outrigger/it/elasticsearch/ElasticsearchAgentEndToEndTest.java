package io.outrigger.it.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.outrigger.it.e2e.AgentProcess;
import io.outrigger.it.servers.ElasticsearchServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built agent, as its own process, tailing files into a real Elasticsearch 9 (one node for the class, see
 * {@link ElasticsearchServer}); every check queries the server. Lines have a fixed length and carry their stream
 * and sequence number ({@code a seq=00000042 xxx...}), so a document's {@code log.offset} tells which line it must
 * hold. Every index is created beforehand with one shard (so {@code _seq_no} is the order Elasticsearch indexed
 * the documents in) and an explicit mapping ({@code message} is a {@code keyword}).
 *
 * <p>The poisoned record (scenario 4): the integ-test distribution has no ingest processors (only
 * {@code set_security_user}: no {@code fail}, {@code script} or {@code set}), and with {@code stages: []} every
 * document has the same fields, so the rejection must come from the mapping of {@code message} itself. A
 * {@code keyword} longer than Lucene's 32766-byte term limit is refused with 400
 * {@code document_parsing_exception} (caused by "immense term"), for that document only: one line of 40,000
 * characters, as a stack trace dumped on one line would be. ({@code ignore_above} would skip indexing the value,
 * not reject the document; with the default dynamic mapping {@code message} is {@code text} plus a {@code keyword}
 * with {@code ignore_above: 256}, so the same line would be accepted.) Order (scenario 1) is checked with
 * {@code concurrency: 1}, where the sender keeps batches in order; with more, batches may complete out of order.
 *
 * <p>The server stop/restart scenario runs last, so a failure there cannot break the others.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ElasticsearchAgentEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static ElasticsearchServer es;

    @TempDir Path tmp;

    @BeforeAll
    static void startServer() throws Exception {
        es = ElasticsearchServer.start();
    }

    /** Each scenario's index goes once checked, so the node has little to recover when it is restarted. */
    @AfterEach
    void deleteIndices() throws Exception {
        if (es.isRunning()) es.request("DELETE", "/e2e-*", null);
    }

    @AfterAll
    static void stopServer() {
        if (es != null) es.close();
    }

    // ---- 1. complete and in order ----

    @Test
    @Order(1)
    void hundredThousandLinesFromTwoFilesArriveCompleteAndInOrderPerFile() throws Exception {
        long t0 = System.nanoTime();
        String index = "e2e-order";
        createIndex(index);
        Logs logs = new Logs(tmp.resolve("logs"), 100, "a", "b");
        logs.append(50_000);
        // concurrency 1: the sender keeps the order of batches, and one bulk request's items for one shard are
        // indexed in order, so _seq_no order is arrival order
        Path cfg = config(index, "auto", 1, "1s", "");
        try (AgentProcess agent = AgentProcess.start(tmp.resolve("agent.log"), "128m", "run", "-c", cfg.toString())) {
            awaitCount(index, logs.total(), agent);
            assertEquals(0, agent.terminate(30), "graceful stop exits 0; log:\n" + tail(agent));
        }
        List<Doc> docs = fetchAll(index);
        assertEquals(100_000, docs.size());
        Map<String, Long> last = new HashMap<>();
        for (Doc d : docs) {
            String stream = logs.streamOf(d);
            long seq = last.merge(stream, 1L, Long::sum);
            assertEquals(logs.line(stream, seq), d.message(), stream + ": document " + seq + " in arrival order (_seq_no " + d.seqNo() + ")");
            assertEquals((seq - 1) * logs.lineBytes, d.offset(), stream + " seq " + seq + ": log.offset");
        }
        assertEquals(Map.of("a", 50_000L, "b", 50_000L), last);
        System.out.printf("e2e es order: 100000 lines from 2 files complete and in order in %d ms%n", ms(t0));
    }

    // ---- 3. SIGKILL of the agent ----

    @Test
    @Order(3)
    void agentKilledWithSigkillAndRestartedLosesNothingAndDuplicatesNothing() throws Exception {
        long t0 = System.nanoTime();
        String index = "e2e-sigkill";
        createIndex(index);
        Logs logs = new Logs(tmp.resolve("logs"), 120, "a", "b");
        logs.append(3_000);
        Path cfg = config(index, "deterministic", 2, "2s", "");
        Path log = tmp.resolve("agent.log");
        Path checkpoints = tmp.resolve("data/checkpoints.json");
        AgentProcess agent = AgentProcess.start(log, "128m", "run", "-c", cfg.toString());
        long atKill;
        Map<String, Long> checkpointed;
        try {
            // keep writing while the agent ships; kill it in the middle of the stream, once a checkpoint was written
            // and at least 1000 more lines are in Elasticsearch, so the restart resumes mid-file and sends again
            // what was delivered after the checkpoint
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (true) {
                assertTrue(agent.isAlive(), "agent died:\n" + tail(agent));
                long committed = logs.checkpointedLines(checkpoints).values().stream().mapToLong(Long::longValue).sum();
                if (committed > 0 && es.count(index) - committed >= 1_000) break;
                if (System.nanoTime() > deadline) fail("no checkpoint with 1000 lines delivered after it within " + DEADLINE + "; log:\n" + tail(agent));
                logs.append(100);
                Thread.sleep(100);
            }
            agent.kill9();
            atKill = es.count(index);
            checkpointed = logs.checkpointedLines(checkpoints);
            logs.append(2_000); // written while the agent is down
            agent = AgentProcess.start(log, "128m", "run", "-c", cfg.toString());
            long written = logs.total();
            assertTrue(atKill < written, "the kill must come before everything was shipped: " + atKill + " of " + written);
            long committed = checkpointed.values().stream().mapToLong(Long::longValue).sum();
            // the checkpoint never passes what the server has; the lines between the two are sent again
            assertTrue(committed <= atKill, "checkpoint (" + checkpointed + ") ahead of the " + atKill + " documents in Elasticsearch");
            assertTrue(committed > 0 && committed < atKill, "nothing to send twice (checkpoint " + checkpointed + ", " + atKill
                    + " documents): the duplicate check would prove nothing");
            awaitCount(index, written, agent);
            assertEquals(0, agent.terminate(30), "graceful stop exits 0; log:\n" + tail(agent));
            System.out.printf("e2e es sigkill: %d lines, %d documents at the kill, %d lines checkpointed (%d sent twice) in %d ms%n",
                    written, atKill, committed, atKill - committed, ms(t0));
        } finally {
            agent.close();
        }
        // after the graceful stop nothing is in flight any more: exactly one document per line
        assertEquals(logs.total(), es.count(index), "documents after the restart; log:\n" + tail(agent));
        Map<String, Map<Long, Integer>> seen = new HashMap<>();
        for (Doc d : fetchAll(index)) {
            String stream = logs.streamOf(d);
            long seq = d.offset() / logs.lineBytes + 1;
            assertEquals(logs.line(stream, seq), d.message(), "document at offset " + d.offset());
            int n = seen.computeIfAbsent(stream, k -> new HashMap<>()).merge(seq, 1, Integer::sum);
            if (n > 1) fail(stream + " seq " + seq + " was indexed twice");
        }
        for (String s : logs.streams) {
            for (long seq = 1; seq <= logs.seq(s); seq++) {
                if (!seen.getOrDefault(s, Map.of()).containsKey(seq)) fail(s + " seq " + seq + " of " + logs.seq(s) + " was lost");
            }
        }
    }

    // ---- 4. a poisoned record ----

    @Test
    @Order(4)
    void poisonedRecordGoesToTheDeadLetterFileAndTheRecordsAfterItArrive() throws Exception {
        long t0 = System.nanoTime();
        String index = "e2e-poison";
        createIndex(index);
        Logs logs = new Logs(tmp.resolve("logs"), 120, "a");
        logs.append(1_500);
        long poisonOffset = logs.size("a");
        String poison = "a POISON " + "x".repeat(40_000);
        logs.appendRaw("a", poison);
        logs.append(1_500);
        Path cfg = config(index, "auto", 2, "1s", "");
        Path deadLetters = tmp.resolve("data/dead-letters/es.ndjson");
        try (AgentProcess agent = AgentProcess.start(tmp.resolve("agent.log"), "128m", "run", "-c", cfg.toString())) {
            awaitCount(index, logs.total(), agent);
            awaitTrue(() -> Files.exists(deadLetters), "dead-letter file " + deadLetters, agent);
            assertEquals(0, agent.terminate(30), "graceful stop exits 0; log:\n" + tail(agent));
        }
        List<String> lines = Files.readAllLines(deadLetters).stream().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "exactly the poisoned record is dead-lettered: " + lines.stream().map(l -> l.substring(0, Math.min(300, l.length()))).toList());
        JsonNode dead = JSON.readTree(lines.getFirst());
        assertEquals("es", dead.get("output").asText());
        assertEquals("bad_request", dead.get("reason").asText());
        String detail = dead.get("detail").asText();
        assertTrue(detail.startsWith("document_parsing_exception"), detail);
        assertTrue(detail.contains("[message]"), detail);
        assertEquals(poison, dead.path("record").path("message").asText());
        assertEquals(poisonOffset, dead.path("record").path("log").path("offset").asLong());
        assertTrue(dead.path("record").path("log").path("file").path("path").asText().endsWith("a.log"), dead.path("record").toString());
        // every other line arrived, the 1500 after the poisoned one included
        List<Doc> docs = fetchAll(index);
        assertEquals(3_000, docs.size());
        long[] expected = new long[3_000];
        for (Doc d : docs) {
            assertTrue(d.message().startsWith("a seq="), d.message());
            long seq = Long.parseLong(d.message().substring(6, 14));
            assertEquals(logs.line("a", seq), d.message());
            expected[(int) seq - 1]++;
        }
        for (int i = 0; i < expected.length; i++) assertEquals(1, expected[i], "line seq=" + (i + 1));
        System.out.printf("e2e es poison: 1 dead letter, 3000 others delivered in %d ms%n", ms(t0));
    }

    // ---- 2. the server stopped and restarted ----

    @Test
    @Order(100)
    void serverStoppedMidStreamAndRestartedWhileTheAgentRunsLosesNothingInBoundedMemory() throws Exception {
        long t0 = System.nanoTime();
        String index = "e2e-restart";
        createIndex(index);
        Logs logs = new Logs(tmp.resolve("logs"), 500, "a", "b");
        int port = freePort();
        Path cfg = config(index, "auto", 2, "1s", "127.0.0.1:" + port);
        try (AgentProcess agent = AgentProcess.start(tmp.resolve("agent.log"), "128m", "run", "-c", cfg.toString())) {
            // keep writing while the agent ships; stop the server in the middle of the stream
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (es.count(index) < 2_000) {
                assertTrue(agent.isAlive(), "agent died:\n" + tail(agent));
                if (System.nanoTime() > deadline) fail("fewer than 2000 documents after " + DEADLINE + "; log:\n" + tail(agent));
                logs.append(250);
                Thread.sleep(100);
            }
            es.stop();
            long stoppedAt = System.nanoTime();
            // 40,000 more lines of 500 bytes while the server is down: ~20 MB of lines, ~26 MB of record estimates,
            // more than the 16 MiB budget, so the reader must stop
            long maxRss = 0;
            for (int i = 0; i < 20; i++) {
                logs.append(1_000);
                Thread.sleep(100);
                assertTrue(agent.isAlive(), "agent died while Elasticsearch was down:\n" + tail(agent));
                maxRss = Math.max(maxRss, agent.rssBytes());
            }
            long writtenBytes = logs.size("a") + logs.size("b");
            String metrics = "";
            long until = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < until) {
                maxRss = Math.max(maxRss, agent.rssBytes());
                metrics = get("http://127.0.0.1:" + port + "/metrics");
                if (metric(metrics, "outrigger_buffer_bytes_used") >= 12 << 20) break;
                Thread.sleep(250);
            }
            // the budget filled up and the reader stopped short of the end of the files instead of buffering more
            double used = metric(metrics, "outrigger_buffer_bytes_used");
            assertTrue(used >= 12 << 20 && used <= 16 << 20, "buffer use " + used + " while Elasticsearch was down (budget 16 MiB):\n" + metrics);
            for (int i = 0; i < 8; i++) { // two more seconds: the reader stays stopped
                Thread.sleep(250);
                maxRss = Math.max(maxRss, agent.rssBytes());
            }
            metrics = get("http://127.0.0.1:" + port + "/metrics");
            assertTrue(metric(metrics, "outrigger_buffer_blocked_seconds_total") >= 1,
                    "the reader is not reported blocked by backpressure:\n" + metrics);
            double read = metric(metrics, "outrigger_input_bytes_read_total");
            assertTrue(read < writtenBytes - (4 << 20), "read " + read + " of " + writtenBytes + " bytes while Elasticsearch was down");
            assertTrue(metric(metrics, "outrigger_output_retries_total") > 0, "no retries while the server was down:\n" + metrics);
            assertTrue(maxRss < 320L << 20, "RSS " + (maxRss >> 20) + " MiB while Elasticsearch was down; budget 16 MiB, heap cap 128 MiB");
            assertTrue(agent.isAlive(), "agent died while Elasticsearch was down:\n" + tail(agent));
            long downMs = (System.nanoTime() - stoppedAt) / 1_000_000;

            es.restart();
            long written = logs.total();
            awaitCount(index, written, agent);
            // auto ids: a bulk request cut by the kill may have been indexed without its answer, so a duplicate is
            // allowed here; a missing line is not
            awaitTrue(() -> missing(index, logs).isEmpty(), "every line in Elasticsearch", agent);
            assertEquals(0, agent.terminate(30), "graceful stop exits 0; log:\n" + tail(agent));
            System.out.printf("e2e es restart: %d lines, server down %d ms, %.1f of %d MB read meanwhile, max RSS %d MiB, "
                    + "%d documents (duplicates allowed) in %d ms%n", written, downMs, read / 1e6, writtenBytes / 1_000_000,
                    maxRss >> 20, es.count(index), ms(t0));
        }
        assertEquals(List.of(), missing(index, logs));
    }

    // ---- helpers ----

    /** Files {@code <stream>.log} of fixed-length numbered lines. */
    private static final class Logs {
        final Path dir;
        final int lineBytes;
        final List<String> streams;
        private final Map<String, Long> seqs = new HashMap<>();
        private final Map<String, Long> extra = new HashMap<>();
        private final Map<String, Long> sizes = new HashMap<>();

        Logs(Path dir, int lineBytes, String... streams) throws IOException {
            this.dir = Files.createDirectories(dir);
            this.lineBytes = lineBytes;
            this.streams = List.of(streams);
            for (String s : streams) {
                Files.writeString(file(s), "");
                seqs.put(s, 0L);
                extra.put(s, 0L);
                sizes.put(s, 0L);
            }
        }

        Path file(String stream) { return dir.resolve(stream + ".log"); }

        /** The line {@code seq} of a stream, without its newline. */
        String line(String stream, long seq) {
            String head = stream + " seq=" + String.format("%08d", seq) + " ";
            return head + "x".repeat(lineBytes - 1 - head.length());
        }

        /** Appends {@code n} lines to every file. */
        void append(int n) throws IOException {
            for (String s : streams) {
                StringBuilder sb = new StringBuilder(n * lineBytes);
                long seq = seqs.get(s);
                for (int i = 0; i < n; i++) sb.append(line(s, ++seq)).append('\n');
                seqs.put(s, seq);
                write(s, sb.toString());
            }
        }

        /** Appends one line that is not counted as a numbered line. */
        void appendRaw(String stream, String line) throws IOException {
            write(stream, line + "\n");
            extra.merge(stream, 1L, Long::sum);
        }

        private void write(String stream, String text) throws IOException {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            Files.write(file(stream), bytes, StandardOpenOption.APPEND);
            sizes.merge(stream, (long) bytes.length, Long::sum);
        }

        long seq(String stream) { return seqs.get(stream); }

        long size(String stream) { return sizes.get(stream); }

        /** Numbered lines written, all files. */
        long total() { return seqs.values().stream().mapToLong(Long::longValue).sum(); }

        String streamOf(Doc d) {
            for (String s : streams) if (d.path().equals(file(s).toString())) return s;
            throw new AssertionError("document from an unexpected file: " + d);
        }

        /** Lines covered by each file's committed checkpoint (none when no checkpoint was written yet). */
        Map<String, Long> checkpointedLines(Path checkpoints) throws IOException {
            Map<String, Long> out = new HashMap<>();
            for (String s : streams) out.put(s, 0L);
            if (!Files.exists(checkpoints)) return out;
            List<JsonNode> found = new ArrayList<>();
            JSON.readTree(checkpoints.toFile()).findParents("offset").forEach(found::add);
            for (JsonNode cp : found) {
                String path = cp.path("path").asText();
                for (String s : streams) {
                    if (path.equals(file(s).toString())) out.put(s, cp.get("offset").asLong() / lineBytes);
                }
            }
            return out;
        }
    }

    record Doc(long seqNo, String path, long offset, String message) {}

    private Path config(String index, String id, int concurrency, String checkpointInterval, String listen) throws IOException {
        Path cfg = tmp.resolve("pipeline.yaml");
        Files.writeString(cfg, """
                agent:
                  data_dir: %s
                  shutdown_timeout: 20s
                  checkpoint_interval: %s
                  buffer:
                    max_bytes: 16MiB
                  http:
                    listen: "%s"
                  log:
                    format: text
                inputs:
                  app:
                    type: file
                    paths: ["%s/*.log"]
                pipelines:
                  app:
                    from: [app]
                    stages: []
                    to: [es]
                outputs:
                  es:
                    type: elasticsearch
                    hosts: ["%s"]
                    index: %s
                    id: %s
                    timeout: 20s
                    concurrency: %d
                    batch:
                      max_records: 2000
                      max_wait: 200ms
                    retry:
                      initial_backoff: 100ms
                      max_backoff: 1s
                """.formatted(tmp.resolve("data"), checkpointInterval, listen, tmp.resolve("logs"), es.url(), index, id, concurrency));
        return cfg;
    }

    /** One shard (so {@code _seq_no} is indexing order), no replica, {@code message} a keyword. */
    private static void createIndex(String index) throws IOException, InterruptedException {
        es.request("PUT", "/" + index, """
                {"settings": {"number_of_shards": 1, "number_of_replicas": 0, "refresh_interval": "1s"},
                 "mappings": {"properties": {
                   "message": {"type": "keyword"},
                   "log": {"properties": {"file": {"properties": {"path": {"type": "keyword"}}}, "offset": {"type": "long"}}}}}}""");
    }

    /** Every document, in the order Elasticsearch indexed them. */
    private static List<Doc> fetchAll(String index) throws IOException, InterruptedException {
        es.refresh(index);
        List<Doc> out = new ArrayList<>();
        Long after = null;
        while (true) {
            ObjectNode q = JSON.createObjectNode();
            q.put("size", 10_000);
            q.putArray("_source").add("message").add("log.file.path").add("log.offset");
            q.putArray("sort").addObject().put("_seq_no", "asc");
            if (after != null) q.putArray("search_after").add(after);
            JsonNode hits = es.request("POST", "/" + index + "/_search?filter_path=hits.hits._source,hits.hits.sort",
                    JSON.writeValueAsString(q)).path("hits").path("hits");
            if (hits.isEmpty()) return out;
            for (JsonNode h : hits) {
                JsonNode src = h.get("_source");
                after = h.get("sort").get(0).asLong();
                out.add(new Doc(after, src.path("log").path("file").path("path").asText(),
                        src.path("log").path("offset").asLong(-1), src.path("message").asText()));
            }
        }
    }

    /** Numbered lines not in the index, as {@code stream seq} (at most 20). */
    private static List<String> missing(String index, Logs logs) throws IOException, InterruptedException {
        Map<String, boolean[]> seen = new HashMap<>();
        for (String s : logs.streams) seen.put(s, new boolean[(int) logs.seq(s) + 1]);
        for (Doc d : fetchAll(index)) {
            String s = logs.streamOf(d);
            long seq = d.offset() / logs.lineBytes + 1;
            assertEquals(logs.line(s, seq), d.message(), "document at offset " + d.offset());
            seen.get(s)[(int) seq] = true;
        }
        List<String> out = new ArrayList<>();
        for (String s : logs.streams) {
            boolean[] b = seen.get(s);
            for (int i = 1; i < b.length && out.size() < 20; i++) if (!b[i]) out.add(s + " " + i);
        }
        return out;
    }

    /**
     * Waits until the index holds at least {@code expected} documents. Polls without forcing a refresh (each forced
     * refresh writes a segment and slows indexing down); the index refreshes itself every second.
     */
    private static void awaitCount(String index, long expected, AgentProcess agent) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        long n = 0;
        while (System.nanoTime() < deadline) {
            n = es.request("GET", "/" + index + "/_count", null).get("count").asLong();
            if (n >= expected) return;
            assertTrue(agent.isAlive(), "agent died:\n" + tail(agent));
            Thread.sleep(500);
        }
        fail(index + ": " + n + " of " + expected + " documents after " + DEADLINE + "; agent log:\n" + tail(agent));
    }

    interface Check {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(Check check, String what, AgentProcess agent) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            if (check.holds()) return;
            Thread.sleep(250);
        }
        fail("no " + what + " after " + DEADLINE + "; agent log:\n" + tail(agent));
    }

    /** The sum of a metric's samples in Prometheus text (0 when absent). */
    private static double metric(String text, String name) {
        double sum = 0;
        for (String line : text.split("\n")) {
            if (!line.startsWith(name)) continue;
            if (line.length() == name.length() || (line.charAt(name.length()) != ' ' && line.charAt(name.length()) != '{')) continue;
            String[] parts = line.trim().split(" ");
            sum += Double.parseDouble(parts[parts.length - 1]);
        }
        return sum;
    }

    private static String get(String url) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String tail(AgentProcess agent) {
        String text = agent.logText();
        return text.length() <= 6000 ? text : "..." + text.substring(text.length() - 6000);
    }

    private static long ms(long t0) { return (System.nanoTime() - t0) / 1_000_000; }
}
