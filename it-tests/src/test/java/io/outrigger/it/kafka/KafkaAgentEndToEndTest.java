package io.outrigger.it.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.outrigger.it.e2e.AgentProcess;
import io.outrigger.it.servers.KafkaServer;
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
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built agent, as its own process, tailing files into a real Kafka 4 broker (one broker for the class). Each
 * file goes to its own single-partition topic through its own input, pipeline and output ({@code format: raw}),
 * and every line says which file and which sequence number it is, so completeness and order are checked by
 * reading the topics back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaAgentEndToEndTest {

    private static final Duration DELIVERY_DEADLINE = Duration.ofSeconds(60);
    private static final String PADDING = "p".repeat(100);
    private static KafkaServer kafka;
    private static long classStart;

    @TempDir Path tmp;

    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void startKafka() {
        classStart = System.nanoTime();
        kafka = KafkaServer.start();
        System.out.println("kafka e2e: broker started in " + kafka.lastStartup().toMillis() + " ms at " + kafka.bootstrapServers());
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) kafka.close();
        System.out.println("kafka e2e: whole class took " + (System.nanoTime() - classStart) / 1_000_000 + " ms");
    }

    // ---------------------------------------------------------------- scenarios

    @Test
    @Order(1)
    void twoFilesArriveCompleteAndInOrderPerFile() throws Exception {
        long t0 = System.nanoTime();
        int perFile = 50_000;
        kafka.createTopic("e2e-order-a", 1);
        kafka.createTopic("e2e-order-b", 1);
        Path logs = Files.createDirectories(tmp.resolve("logs"));
        Map<String, String> streams = new LinkedHashMap<>();
        streams.put("a", "e2e-order-a");
        streams.put("b", "e2e-order-b");
        Path cfg = writeConfig(streams, Map.of(), "16MiB");
        // half of each file exists before the agent starts, the rest is appended while it tails
        appendLines(logs.resolve("a.log"), "a", 0, perFile / 2);
        appendLines(logs.resolve("b.log"), "b", 0, perFile / 2);
        try (AgentProcess agent = startAgent(cfg)) {
            for (int from = perFile / 2; from < perFile; from += 5_000) {
                appendLines(logs.resolve("a.log"), "a", from, from + 5_000);
                appendLines(logs.resolve("b.log"), "b", from, from + 5_000);
                Thread.sleep(100);
            }
            for (String s : streams.keySet()) {
                List<Long> seqs = collect(streams.get(s), s, perFile, agent).seqs();
                assertEquals(perFile, seqs.size(), s + ": exactly every line once, no duplicates (got " + seqs.size() + ")");
                for (int i = 0; i < perFile; i++) {
                    if (seqs.get(i) != i) fail(s + ": position " + i + " holds seq " + seqs.get(i) + " (lost or out of order)");
                }
            }
            assertEquals(0, agent.terminate(30), "graceful stop exits 0; log:\n" + agent.logText());
        }
        report("1 two files, " + 2 * perFile + " lines in order", t0);
    }

    @Test
    @Order(2)
    void aRecordTheBrokerRefusesGoesToDeadLettersAndTheNextOnesAreDelivered() throws Exception {
        long t0 = System.nanoTime();
        kafka.createTopic("e2e-poison", 1, Map.of("max.message.bytes", Integer.toString(64 * 1024)));
        Path logs = Files.createDirectories(tmp.resolve("logs"));
        Path cfg = writeConfig(Map.of("p", "e2e-poison"),
                Map.of("max.request.size", Integer.toString(8 << 20)), "16MiB"); // the broker, not the client, refuses
        Path file = logs.resolve("p.log");
        appendLines(file, "p", 0, 10);
        String poison = "poison " + incompressible(200 * 1024);
        Files.writeString(file, poison + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        appendLines(file, "p", 10, 20);
        try (AgentProcess agent = startAgent(cfg)) {
            Received got = collect("e2e-poison", "p", 20, agent);
            // Not in order: the producer splits the batch the broker refused and answers its records one by one, so
            // the ones that shared a producer batch with the poisoned line are retried after the others landed.
            assertEquals(java.util.stream.LongStream.range(0, 20).boxed().toList(), got.seqs().stream().sorted().toList(),
                    "the lines before and after the poisoned one, each exactly once");
            assertEquals(0, got.foreign, "the poisoned line itself is not in the topic");

            Path dead = tmp.resolve("data/dead-letters/out-p.ndjson");
            long deadline = System.nanoTime() + DELIVERY_DEADLINE.toNanos();
            while (!(Files.exists(dead) && Files.readString(dead).endsWith("\n")) && System.nanoTime() < deadline) Thread.sleep(100);
            assertTrue(Files.exists(dead), "no dead-letter file " + dead + "; agent log:\n" + agent.logText());
            List<String> lines = Files.readAllLines(dead).stream().filter(l -> !l.isBlank()).toList();
            assertEquals(1, lines.size(), "exactly the poisoned record is a dead letter");
            JsonNode n = json.readTree(lines.getFirst());
            assertEquals("too_large", n.path("reason").asText(), lines.getFirst().substring(0, Math.min(400, lines.getFirst().length())));
            assertEquals("out-p", n.path("output").asText());
            assertEquals(poison, n.path("record").path("message").asText(), "the dead letter holds the whole record");
            assertEquals(0, agent.terminate(30), "graceful stop exits 0; log:\n" + agent.logText());
        }
        report("4 poisoned 200 KiB line -> dead letters, 20 others delivered", t0);
    }

    /** Waits until a checkpoint past the head of the file is on disk, so the restart can show it resumed from it. */
    private void awaitCommittedCheckpoint(AgentProcess agent) throws Exception {
        Path checkpoints = tmp.resolve("data/checkpoints.json");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.exists(checkpoints) && Files.readString(checkpoints).matches("(?s).*\"offset\" : [1-9].*")) return;
            Thread.sleep(20);
        }
        fail("no checkpoint past offset 0 was written; agent log:\n" + agent.logText());
    }

    @Test
    @Order(3)
    void sigkillMidStreamLosesNothing() throws Exception {
        long t0 = System.nanoTime();
        int total = 30_000;
        int chunk = 1_000;
        kafka.createTopic("e2e-kill", 1);
        Path logs = Files.createDirectories(tmp.resolve("logs"));
        Path file = logs.resolve("k.log");
        Path cfg = writeConfig(Map.of("k", "e2e-kill"), Map.of(), "16MiB");
        AgentProcess agent = startAgent(cfg);
        try {
            int written = 0;
            int deliveredAtKill = -1;
            while (written < total) {
                appendLines(file, "k", written, written + chunk);
                written += chunk;
                if (written == total / 2) {
                    // make sure it is mid-stream: part delivered, part not yet
                    deliveredAtKill = collectUntil("e2e-kill", "k", r -> r.distinct() >= total / 4, agent).distinct();
                    awaitCommittedCheckpoint(agent);
                    agent.kill9();
                    appendLines(file, "k", written, written + 3 * chunk); // written while the agent is down
                    written += 3 * chunk;
                    agent = startAgent(cfg);
                }
                Thread.sleep(30);
            }
            assertTrue(deliveredAtKill > 0 && deliveredAtKill < total, "killed mid-stream (" + deliveredAtKill + " delivered)");
            Received got = collect("e2e-kill", "k", total, agent);
            for (int s = 0; s < total; s++) {
                if (!got.seen.get(s)) fail("seq " + s + " of " + total + " was lost; agent log:\n" + agent.logText());
            }
            assertEquals(0, got.foreign);
            // With concurrency 1 and the broker up, the topic is what the first run delivered, [0, a), then what the
            // restarted run delivered from its checkpoint, [r, total), r <= a: the duplicates are [r, a).
            List<Long> seqs = got.seqs();
            int drop = 1;
            while (drop < seqs.size() && seqs.get(drop) == seqs.get(drop - 1) + 1) drop++;
            long resumedAt = drop < seqs.size() ? seqs.get(drop) : total;
            for (int i = drop + 1; i < seqs.size(); i++) {
                if (seqs.get(i) != seqs.get(i - 1) + 1) fail("topic position " + i + ": seq " + seqs.get(i) + " after " + seqs.get(i - 1));
            }
            assertEquals(0L, seqs.getFirst());
            assertTrue(resumedAt > 0, "the restarted agent resumed from its checkpoint, not from the head of the file");
            assertEquals(0, agent.terminate(30), "graceful stop exits 0; log:\n" + agent.logText());
            System.out.println("kafka e2e: SIGKILL after >= " + deliveredAtKill + " delivered (first run delivered seq 0.."
                    + seqs.get(drop - 1) + ", restart resumed at seq " + resumedAt + "); " + (seqs.size() - total)
                    + " duplicates of " + total + " lines");
        } finally {
            agent.close();
        }
        report("3 SIGKILL mid-stream, " + total + " lines", t0);
    }

    @Test
    @Order(4)
    void brokerStoppedAndRestartedMidStreamLosesNothingAndMemoryStaysBounded() throws Exception {
        long t0 = System.nanoTime();
        int before = 20_000;
        int during = 150_000; // ~22 MB of lines, more than the 16 MiB budget
        int total = before + during;
        kafka.createTopic("e2e-outage", 1);
        Path logs = Files.createDirectories(tmp.resolve("logs"));
        Path file = logs.resolve("o.log");
        int port;
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path cfg = writeConfig(Map.of("o", "e2e-outage"), Map.of(
                "request.timeout.ms", "3000", "delivery.timeout.ms", "8000", "max.block.ms", "3000",
                "reconnect.backoff.max.ms", "500"), "16MiB", "127.0.0.1:" + port);
        appendLines(file, "o", 0, before);
        try (AgentProcess agent = startAgent(cfg)) {
            int deliveredAtStop = collectUntil("e2e-outage", "o", r -> r.distinct() >= before / 2, agent).distinct();
            kafka.stop();
            long maxRss = 0;
            for (int from = before; from < total; from += 10_000) {
                appendLines(file, "o", from, from + 10_000);
                maxRss = Math.max(maxRss, agent.rssBytes());
            }
            for (int i = 0; i < 24; i++) { // 6 s with the broker down and a backlog larger than the budget
                Thread.sleep(250);
                assertTrue(agent.isAlive(), "agent died while the broker was down:\n" + agent.logText());
                maxRss = Math.max(maxRss, agent.rssBytes());
            }
            assertTrue(maxRss < 320L << 20, "RSS " + (maxRss >> 20) + " MiB while the broker was down; budget 16 MiB, heap cap 128 MiB");
            // backpressure, not buffering: the budget is used up, the reader waits, and it stopped short of the end
            Map<String, Double> m = metrics(port);
            double used = m.getOrDefault("outrigger_buffer_bytes_used", -1.0);
            double linesRead = m.getOrDefault("outrigger_input_lines_read_total", -1.0);
            assertTrue(used > 8 << 20 && used <= 16 << 20, "buffer bytes used " + used + ": filled, within the 16 MiB budget: " + m);
            assertTrue(m.getOrDefault("outrigger_buffer_blocked_seconds_total", 0.0) >= 1.0, "the reader is shown blocked: " + m);
            assertTrue(linesRead > 0 && linesRead < total, "reading stopped before the end of the backlog (" + linesRead + " of " + total + ")");
            long tRestart = System.nanoTime();
            kafka.restart();
            Received got = collect("e2e-outage", "o", total, agent);
            for (int s = 0; s < total; s++) {
                if (!got.seen.get(s)) fail("seq " + s + " of " + total + " was lost; agent log:\n" + agent.logText());
            }
            assertEquals(0, got.foreign);
            System.out.println("kafka e2e: broker stopped after " + deliveredAtStop + " delivered; max RSS while down "
                    + (maxRss >> 20) + " MiB; broker restart " + kafka.lastStartup().toMillis() + " ms; all " + total
                    + " delivered " + (System.nanoTime() - tRestart) / 1_000_000 + " ms after restart began; "
                    + (got.seqs().size() - total) + " duplicates; while down: " + (long) linesRead + " lines read, "
                    + (long) used / 1024 + " KiB of budget used, blocked_seconds_total " + m.get("outrigger_buffer_blocked_seconds_total"));
            assertEquals(0, agent.terminate(30), "graceful stop exits 0; log:\n" + agent.logText());
        }
        report("2 broker stop/restart, " + total + " lines", t0);
    }

    // ---------------------------------------------------------------- helpers

    /** Scrapes /metrics: each sample name (labels dropped) with its values summed. */
    private static Map<String, Double> metrics(int port) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, res.statusCode(), res.body());
            Map<String, Double> out = new TreeMap<>();
            for (String line : res.body().split("\n")) {
                if (line.isBlank() || line.startsWith("#")) continue;
                int brace = line.indexOf('{');
                int space = line.lastIndexOf(' ');
                String name = line.substring(0, brace >= 0 ? brace : line.indexOf(' '));
                out.merge(name, Double.parseDouble(line.substring(space + 1)), Double::sum);
            }
            return out;
        }
    }

    private static void report(String what, long t0) {
        System.out.println("kafka e2e: scenario " + what + ": " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }

    private AgentProcess startAgent(Path cfg) throws IOException {
        return AgentProcess.start(tmp.resolve("agent.log"), "128m", "run", "-c", cfg.toString());
    }

    /** One input, pipeline and kafka output per stream: stream s tails logs/s.log into its topic. */
    private Path writeConfig(Map<String, String> topicByStream, Map<String, String> producer, String budget) throws IOException {
        return writeConfig(topicByStream, producer, budget, "");
    }

    private Path writeConfig(Map<String, String> topicByStream, Map<String, String> producer, String budget,
                             String httpListen) throws IOException {
        Path logs = tmp.resolve("logs");
        StringBuilder inputs = new StringBuilder();
        StringBuilder pipelines = new StringBuilder();
        StringBuilder outputs = new StringBuilder();
        for (Map.Entry<String, String> e : topicByStream.entrySet()) {
            String s = e.getKey();
            inputs.append("""
                      in-%s:
                        type: file
                        paths: ["%s/%s.log"]
                        read_from: head
                        max_line_bytes: 1MiB
                    """.formatted(s, logs, s));
            pipelines.append("""
                      p-%s:
                        from: [in-%s]
                        stages: []
                        to: [out-%s]
                    """.formatted(s, s, s));
            outputs.append("""
                      out-%s:
                        type: kafka
                        brokers: ["%s"]
                        topic: %s
                        format: raw
                        compression: none
                        concurrency: 1
                        batch:
                          max_records: 1000
                          max_wait: 50ms
                        retry:
                          initial_backoff: 100ms
                          max_backoff: 1s
                    """.formatted(s, kafka.bootstrapServers(), e.getValue()));
            if (!producer.isEmpty()) {
                outputs.append("    producer:\n");
                producer.forEach((k, v) -> outputs.append("      ").append(k).append(": \"").append(v).append("\"\n"));
            }
        }
        String yaml = """
                agent:
                  data_dir: %s
                  shutdown_timeout: 10s
                  checkpoint_interval: 200ms
                  buffer:
                    max_bytes: %s
                  http:
                    listen: "%s"
                  log:
                    format: text
                inputs:
                %spipelines:
                %soutputs:
                %s""".formatted(tmp.resolve("data"), budget, httpListen, inputs, pipelines, outputs);
        Path cfg = tmp.resolve("pipeline.yaml");
        Files.writeString(cfg, yaml);
        return cfg;
    }

    /** Appends lines {@code from..to-1} of a stream: {@code stream=<s> seq=<n> <padding>}. */
    private static void appendLines(Path file, String stream, int from, int to) throws IOException {
        StringBuilder sb = new StringBuilder((to - from) * 140);
        for (int i = from; i < to; i++) {
            sb.append("stream=").append(stream).append(" seq=").append(i).append(' ').append(PADDING).append('\n');
        }
        Files.writeString(file, sb, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static String incompressible(int chars) {
        Random rnd = new Random(7);
        StringBuilder sb = new StringBuilder(chars);
        for (int i = 0; i < chars; i++) sb.append((char) ('!' + rnd.nextInt(90)));
        return sb.toString();
    }

    /** What a topic holds: the sequence numbers of one stream in topic order, and which were seen. */
    static final class Received {
        final String prefix;
        final List<Long> seqs = new ArrayList<>();
        final BitSet seen = new BitSet();
        int foreign;

        Received(String stream) { this.prefix = "stream=" + stream + " seq="; }

        void add(String v) {
            if (!v.startsWith(prefix)) {
                foreign++;
                return;
            }
            int end = v.indexOf(' ', prefix.length());
            long seq = Long.parseLong(v, prefix.length(), end < 0 ? v.length() : end, 10);
            seqs.add(seq);
            seen.set((int) seq);
        }

        List<Long> seqs() { return seqs; }

        int distinct() { return seen.cardinality(); }
    }

    /** Reads the topic until every seq below {@code expected} arrived or the deadline passed. */
    private static Received collect(String topic, String stream, int expected, AgentProcess agent) {
        return collectUntil(topic, stream, r -> r.seen.nextClearBit(0) >= expected, agent);
    }

    /** Reads the topic (partition 0) from the beginning until {@code done} holds or the deadline passed. */
    private static Received collectUntil(String topic, String stream, java.util.function.Predicate<Received> done, AgentProcess agent) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        Received r = new Received(stream);
        long end = System.nanoTime() + DELIVERY_DEADLINE.toNanos();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            while (!done.test(r)) {
                if (System.nanoTime() > end) {
                    fail(topic + ": not complete after " + DELIVERY_DEADLINE.toSeconds() + "s (" + r.distinct()
                            + " distinct lines, first missing seq " + r.seen.nextClearBit(0) + "); agent log:\n" + agent.logText());
                }
                for (ConsumerRecord<byte[], byte[]> rec : c.poll(Duration.ofMillis(200))) {
                    r.add(new String(rec.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return r;
    }
}
