package io.outrigger.outputs.kafka;

import static io.outrigger.outputs.kafka.SendOutcomes.assertSequencesConsistent;
import static io.outrigger.outputs.kafka.SendOutcomes.outcome;
import static io.outrigger.outputs.kafka.SendOutcomes.outcomes;
import static io.outrigger.outputs.kafka.SendOutcomes.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.event.Fields;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Value;
import io.outrigger.core.pipeline.Batch;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.SendResult;
import io.outrigger.core.telemetry.Metrics;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The direct sender against {@link ScriptedBroker}: what the broker stored, and what the output answered. */
class DirectKafkaOutputTest {

    private static ScriptedBroker broker;

    /** Fast retries; request.timeout.ms + linger.ms must stay within delivery.timeout.ms (validate checks it). */
    private static final Map<String, String> FAST = Map.of("retry.backoff.ms", "10", "retry.backoff.max.ms", "100",
            "request.timeout.ms", "1000", "delivery.timeout.ms", "3000", "max.block.ms", "2000");

    private final KafkaOutputFactory factory = new KafkaOutputFactory();
    private final Metrics metrics = Metrics.newIsolated();
    private final ComponentContext ctx = new ComponentContext("k", metrics, InstantSource.system(), null, null,
            CheckpointStore.inMemory(), Map.of());
    private final List<Output> toClose = new ArrayList<>();

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new ScriptedBroker();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    @AfterEach
    void closeOutputs() {
        for (Output o : toClose) o.close();
    }

    // ---- helpers

    private static KafkaOutputConfig config(List<String> brokers, String topic, String key, Map<String, String> headers,
                                            String compression, String acks, Map<String, String> extra, String client) {
        Map<String, String> producer = new LinkedHashMap<>(FAST);
        producer.putAll(extra);
        return new KafkaOutputConfig(brokers, topic, key, headers, "raw", compression, acks, null, producer, null, null,
                null, client);
    }

    private Output output(KafkaOutputConfig c) {
        assertEquals(List.of(), factory.validate(c));
        Output o = factory.create(c, ctx);
        toClose.add(o);
        assertInstanceOf(DirectKafkaOutput.class, o);
        return o;
    }

    private Output output(String topic, Map<String, String> extra) {
        return output(config(List.of(broker.address()), topic, null, null, "none", null, extra, "direct"));
    }

    private static SendResult send(Output o, List<LogRecord> records) throws Exception {
        return o.send(Batch.of(records)).get(30, TimeUnit.SECONDS);
    }

    private static List<LogRecord> lines(int from, int n) {
        List<LogRecord> rs = new ArrayList<>();
        for (int i = from; i < from + n; i++) rs.add(LogRecord.builder().message("line " + i).build());
        return rs;
    }

    // ---- sending

    @Test
    void deliversInOrderWithConsecutiveSequencesAcrossBatches() throws Exception {
        String topic = "happy";
        int initsBefore = broker.initProducerIdCalls();
        Output out = output(topic, Map.of("batch.size", "4096"));
        List<LogRecord> first = lines(0, 1000);

        assertEquals(SendResult.DELIVERED, send(out, first));
        assertTrue(((DirectKafkaOutput) out).isHealthy());
        List<ScriptedBroker.Received> stored = broker.stored(topic);
        assertTrue(stored.size() > 1, "batch.size 4096 should split 1000 lines into several record batches: " + stored.size());
        assertEquals(values(first), broker.storedValues(topic));
        assertEquals(broker.received(topic).size(), stored.size(), "every record batch answered NONE the first time");
        long pid = stored.get(0).producerId();
        assertTrue(pid >= 0);
        int expected = 0;
        for (ScriptedBroker.Received r : stored) {
            assertEquals(pid, r.producerId());
            assertEquals(0, r.epoch());
            assertEquals(0, r.partition());
            assertEquals(expected, r.baseSequence());
            expected += r.count();
        }
        assertEquals(1000, expected);

        List<LogRecord> second = lines(1000, 500);
        assertEquals(SendResult.DELIVERED, send(out, second));
        List<String> all = new ArrayList<>(values(first));
        all.addAll(values(second));
        assertEquals(all, broker.storedValues(topic));
        List<ScriptedBroker.Received> after = broker.stored(topic);
        assertEquals(1000, after.get(stored.size()).baseSequence(), "the second batch continues the sequence");
        assertTrue(after.stream().allMatch(r -> r.producerId() == pid));
        assertSequencesConsistent(after);
        assertEquals(initsBefore + 1, broker.initProducerIdCalls(), "one producer id for both batches");
    }

    @Test
    void retriableErrorResendsSameProducerIdAndSequence() throws Exception {
        String topic = "retriable";
        int initsBefore = broker.initProducerIdCalls();
        broker.script(topic, ScriptedBroker.Answer.of(Errors.NOT_LEADER_OR_FOLLOWER));
        Output out = output(topic, Map.of("batch.size", "4096"));
        List<LogRecord> records = lines(0, 1000);

        assertEquals(SendResult.DELIVERED, send(out, records));
        assertEquals(0, broker.scriptLeft(topic));
        List<ScriptedBroker.Received> received = broker.received(topic);
        ScriptedBroker.Received refused = received.get(0);
        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER, refused.answer());
        List<ScriptedBroker.Received> stored = broker.stored(topic);
        assertEquals(values(records), broker.storedValues(topic), "each record stored once, in order");
        ScriptedBroker.Received firstStored = stored.get(0);
        assertEquals(refused.producerId(), firstStored.producerId());
        assertEquals(refused.baseSequence(), firstStored.baseSequence());
        assertEquals(refused.values(), firstStored.values());
        assertTrue(stored.stream().allMatch(r -> r.producerId() == refused.producerId()));
        assertSequencesConsistent(stored);
        assertEquals(initsBefore + 1, broker.initProducerIdCalls(), "no new producer id for a retriable error");
    }

    @Test
    void lostAnswerIsResentWithSameSequenceAndStoredOnce() throws Exception {
        String topic = "dropped";
        broker.script(topic, ScriptedBroker.Answer.DROP);
        Output out = output(topic, Map.of());
        List<LogRecord> records = lines(0, 10);

        assertEquals(SendResult.DELIVERED, send(out, records));
        List<ScriptedBroker.Received> received = broker.received(topic);
        assertEquals(2, received.size(), "sent, then sent again: " + received);
        assertEquals(Errors.NONE, received.get(0).answer()); // stored, the answer never went
        assertEquals(Errors.DUPLICATE_SEQUENCE_NUMBER, received.get(1).answer());
        assertEquals(received.get(0).producerId(), received.get(1).producerId());
        assertEquals(received.get(0).baseSequence(), received.get(1).baseSequence());
        assertEquals(values(records), broker.storedValues(topic));

        List<LogRecord> more = lines(10, 5);
        assertEquals(SendResult.DELIVERED, send(out, more));
        List<String> all = new ArrayList<>(values(records));
        all.addAll(values(more));
        assertEquals(all, broker.storedValues(topic));
        assertSequencesConsistent(broker.stored(topic));
    }

    @Test
    void messageTooLargeSplitsTheRecordBatch() throws Exception {
        String topic = "split";
        broker.script(topic, ScriptedBroker.Answer.of(Errors.MESSAGE_TOO_LARGE));
        Output out = output(topic, Map.of());
        List<LogRecord> records = lines(0, 4);

        assertEquals(SendResult.DELIVERED, send(out, records));
        assertEquals(Errors.MESSAGE_TOO_LARGE, broker.received(topic).get(0).answer());
        assertEquals(4, broker.received(topic).get(0).count());
        List<ScriptedBroker.Received> stored = broker.stored(topic);
        assertEquals(List.of(2, 2), stored.stream().map(ScriptedBroker.Received::count).toList());
        assertEquals(values(records), broker.storedValues(topic));
        assertSequencesConsistent(stored);
    }

    @Test
    void singleRecordTooLargeForTheBrokerIsRejectedAndTheRestDelivered() throws Exception {
        String topic = "too-large-one";
        broker.rule(topic, r -> r.values().contains("big") ? ScriptedBroker.Answer.of(Errors.MESSAGE_TOO_LARGE) : null);
        Output out = output(topic, Map.of());
        List<LogRecord> records = lines(0, 6);
        records.set(2, LogRecord.builder().message("big").build());

        SendResult r = send(out, records);
        assertEquals(List.of("delivered", "delivered", "rejected:too_large", "delivered", "delivered", "delivered"),
                outcomes(r, 6), r.toString());
        assertEquals(List.of("line 0", "line 1", "line 3", "line 4", "line 5"), broker.storedValues(topic));
        assertSequencesConsistent(broker.stored(topic));

        List<LogRecord> next = lines(6, 3);
        assertEquals(SendResult.DELIVERED, send(out, next));
        assertEquals(List.of("line 0", "line 1", "line 3", "line 4", "line 5", "line 6", "line 7", "line 8"),
                broker.storedValues(topic));
        assertSequencesConsistent(broker.stored(topic));
        assertTrue(((DirectKafkaOutput) out).isHealthy());
    }

    @Test
    void unknownProducerIdTakesANewIdAndStartsAtSequenceZero() throws Exception {
        String topic = "unknown-pid";
        int initsBefore = broker.initProducerIdCalls();
        broker.script(topic, ScriptedBroker.Answer.of(Errors.UNKNOWN_PRODUCER_ID));
        Output out = output(topic, Map.of());
        List<LogRecord> records = lines(0, 10);

        assertEquals(SendResult.DELIVERED, send(out, records));
        assertEquals(initsBefore + 2, broker.initProducerIdCalls());
        ScriptedBroker.Received refused = broker.received(topic).get(0);
        assertEquals(Errors.UNKNOWN_PRODUCER_ID, refused.answer());
        List<ScriptedBroker.Received> stored = broker.stored(topic);
        assertEquals(1, stored.size());
        assertNotEquals(refused.producerId(), stored.get(0).producerId());
        assertEquals(0, stored.get(0).baseSequence());
        assertEquals(values(records), broker.storedValues(topic));
    }

    @Test
    void nonRetriableErrorRejectsTheRecords() throws Exception {
        String topic = "denied";
        broker.script(topic, ScriptedBroker.Answer.of(Errors.TOPIC_AUTHORIZATION_FAILED));
        Output out = output(topic, Map.of());

        SendResult r = send(out, lines(0, 5));
        assertEquals(List.of("retryable:auth", "retryable:auth", "retryable:auth",
                "retryable:auth", "retryable:auth"), outcomes(r, 5), r.toString());
        assertEquals(List.of(), broker.storedValues(topic));

        // the rejected record batch left a gap in the sequence: the next batch must still get through
        List<LogRecord> next = lines(5, 3);
        assertEquals(SendResult.DELIVERED, send(out, next));
        assertEquals(values(next), broker.storedValues(topic));
        assertSequencesConsistent(broker.stored(topic));
    }

    @Test
    void invalidRecordRejectsTheNamedRecordAndResendsTheRest() throws Exception {
        String topic = "invalid";
        broker.script(topic, ScriptedBroker.Answer.invalidRecords(1));
        Output out = output(topic, Map.of());
        List<LogRecord> records = lines(0, 4);

        SendResult r = send(out, records);
        assertEquals(List.of("delivered", "rejected:bad_request", "delivered", "delivered"), outcomes(r, 4), r.toString());
        assertEquals(List.of("line 0", "line 2", "line 3"), broker.storedValues(topic));
        assertSequencesConsistent(broker.stored(topic));

        List<LogRecord> next = lines(4, 2);
        assertEquals(SendResult.DELIVERED, send(out, next));
        assertEquals(List.of("line 0", "line 2", "line 3", "line 4", "line 5"), broker.storedValues(topic));
        assertSequencesConsistent(broker.stored(topic));
    }

    @Test
    void retriableErrorUntilTheDeliveryTimeoutIsRetryableThenRecovers() throws Exception {
        String topic = "forever";
        broker.rule(topic, x -> ScriptedBroker.Answer.of(Errors.NOT_ENOUGH_REPLICAS));
        int deliveryTimeoutMs = 1500;
        Output out = output(topic, Map.of("delivery.timeout.ms", Integer.toString(deliveryTimeoutMs)));
        List<LogRecord> records = lines(0, 10);

        long start = System.nanoTime();
        SendResult r = send(out, records);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        SendResult.Retryable retry = assertInstanceOf(SendResult.Retryable.class, r);
        assertEquals("server_error", retry.reason().label());
        assertTrue(tookMs < deliveryTimeoutMs + 10_000, "gave up after " + tookMs + " ms");
        assertTrue(broker.received(topic).size() > 1, "sent more than once before giving up");
        assertEquals(List.of(), broker.storedValues(topic));
        assertFalse(((DirectKafkaOutput) out).isHealthy());

        broker.rule(topic, null);
        assertEquals(SendResult.DELIVERED, send(out, records));
        assertTrue(((DirectKafkaOutput) out).isHealthy());
        assertEquals(values(records), broker.storedValues(topic));
        assertSequencesConsistent(broker.stored(topic));
    }

    @Test
    void noBrokerListeningIsRetryableConnection() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Output out = output(config(List.of("127.0.0.1:" + port), "nowhere", null, null, "none", null,
                Map.of("max.block.ms", "500"), "direct"));

        SendResult r = send(out, lines(0, 3));
        SendResult.Retryable retry = assertInstanceOf(SendResult.Retryable.class, r);
        assertEquals("connection", retry.reason().label(), retry.toString());
        assertTrue(retry.detail().contains("127.0.0.1:" + port), retry.detail());
        assertFalse(((DirectKafkaOutput) out).isHealthy());
    }

    @Test
    void noBrokerListeningWithoutIdempotenceIsRetryableConnection() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Output out = output(config(List.of("127.0.0.1:" + port), "nowhere", null, null, "none", "1",
                Map.of("max.block.ms", "500"), "direct"));

        SendResult r = send(out, lines(0, 3));
        SendResult.Retryable retry = assertInstanceOf(SendResult.Retryable.class, r);
        assertEquals("connection", retry.reason().label(), retry.toString());
        assertFalse(((DirectKafkaOutput) out).isHealthy());
    }

    @Test
    void leaderThatCannotBeReachedIsRetryableWithinTheDeliveryTimeout() throws Exception {
        // a port whose accept queue is full: connecting times out, as with a broker behind a dropped route
        List<java.net.Socket> filling = new ArrayList<>();
        try (ServerSocket blackhole = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ScriptedBroker elsewhere = new ScriptedBroker()) {
            for (int i = 0; i < 3; i++) {
                java.net.Socket s = new java.net.Socket();
                filling.add(s);
                try {
                    s.connect(blackhole.getLocalSocketAddress(), 200);
                } catch (java.io.IOException e) {
                    // the queue is full
                }
            }
            elsewhere.advertise("127.0.0.1", blackhole.getLocalPort());
            int deliveryTimeoutMs = 1500;
            int connectTimeoutMs = 200;
            Output out = output(config(List.of(elsewhere.address()), "unreachable", null, null, "none", null,
                    Map.of("batch.size", "1024", "delivery.timeout.ms", Integer.toString(deliveryTimeoutMs),
                            "socket.connection.setup.timeout.ms", Integer.toString(connectTimeoutMs)), "direct"));
            List<LogRecord> records = lines(0, 3000); // about 60 record batches

            long start = System.nanoTime();
            SendResult r = send(out, records);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            SendResult.Retryable retry = assertInstanceOf(SendResult.Retryable.class, r, r.toString());
            assertEquals("connection", retry.reason().label(), retry.toString());
            assertFalse(((DirectKafkaOutput) out).isHealthy());
            // not a speed check: without a bound the batch would wait one connect timeout per record batch per round
            assertTrue(tookMs < deliveryTimeoutMs + 4 * connectTimeoutMs + 3000, "answered after " + tookMs + " ms");
        } finally {
            for (java.net.Socket s : filling) s.close();
        }
    }

    @Test
    void leaderMovedToAnotherAddressIsFollowed() throws Exception {
        try (ScriptedBroker first = new ScriptedBroker(); ScriptedBroker second = new ScriptedBroker()) {
            String topic = "moved";
            int port = Integer.parseInt(second.address().substring(second.address().lastIndexOf(':') + 1));
            first.rule(topic, r -> {
                first.advertise("127.0.0.1", port); // node 0 is now at the second address
                return ScriptedBroker.Answer.of(Errors.NOT_LEADER_OR_FOLLOWER);
            });
            Output out = output(config(List.of(first.address()), topic, null, null, "none", null, Map.of(), "direct"));
            List<LogRecord> records = lines(0, 10);

            assertEquals(SendResult.DELIVERED, send(out, records));
            assertEquals(1, first.received(topic).size());
            assertEquals(List.of(), first.storedValues(topic));
            assertEquals(values(records), second.storedValues(topic));
            assertEquals(first.received(topic).get(0).producerId(), second.stored(topic).get(0).producerId(),
                    "the same producer id and sequence go to the new leader");
            assertEquals(0, second.stored(topic).get(0).baseSequence());
        }
    }

    @Test
    void keyedRecordsGoWhereTheDefaultPartitionerPutsThemWithHeaders() throws Exception {
        String topic = "keyed";
        broker.partitions(topic, 4);
        Output out = output(config(List.of(broker.address()), topic, "pod", Map.of("x-app", "app"), "lz4", null,
                Map.of("batch.size", "2048"), "direct"));
        List<LogRecord> records = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            records.add(LogRecord.builder().message("m" + i).fields(Fields.builder().put("pod", Value.of("pod-" + (i % 13)))
                    .put("app", Value.of("app-" + (i % 13))).build()).build());
        }

        assertEquals(SendResult.DELIVERED, send(out, records));
        List<ScriptedBroker.Received> stored = broker.stored(topic);
        assertSequencesConsistent(stored);
        Map<String, List<Integer>> perKey = new HashMap<>();
        java.util.Set<Integer> partitionsUsed = new java.util.HashSet<>();
        int count = 0;
        for (ScriptedBroker.Received b : stored) {
            partitionsUsed.add(b.partition());
            for (ScriptedBroker.Msg m : b.records()) {
                count++;
                int expected = Utils.toPositive(Utils.murmur2(m.key().getBytes(StandardCharsets.UTF_8))) % 4;
                assertEquals(expected, b.partition(), "key " + m.key());
                int n = Integer.parseInt(m.value().substring(1));
                assertEquals("pod-" + (n % 13), m.key());
                assertEquals(Map.of("x-app", "app-" + (n % 13)), m.headers());
                perKey.computeIfAbsent(m.key(), k -> new ArrayList<>()).add(n);
            }
        }
        assertEquals(300, count, "each record stored once");
        assertTrue(partitionsUsed.size() > 1, "13 keys over 4 partitions: " + partitionsUsed);
        for (List<Integer> ns : perKey.values()) {
            assertEquals(ns.stream().sorted().toList(), ns, "a key's records stay in order");
        }
    }

    @Test
    void recordOverMaxRequestSizeIsRejectedBeforeSending() throws Exception {
        String topic = "max-request";
        Output out = output(topic, Map.of("max.request.size", "10000"));
        List<LogRecord> records = lines(0, 5);
        String huge = "x".repeat(20_000);
        records.set(2, LogRecord.builder().message(huge).build());

        SendResult r = send(out, records);
        assertEquals(List.of("delivered", "delivered", "rejected:too_large", "delivered", "delivered"), outcomes(r, 5),
                r.toString());
        assertEquals(List.of("line 0", "line 1", "line 3", "line 4"), broker.storedValues(topic));
        assertTrue(broker.received(topic).stream().noneMatch(b -> b.values().contains(huge)), "never sent");
        assertSequencesConsistent(broker.stored(topic));
    }

    // ---- more of the same, with record batches pipelined on one partition

    @Test
    void retriableErrorInTheMiddleOfPipelinedRecordBatchesResendsFromThere() throws Exception {
        String topic = "retriable-middle";
        int initsBefore = broker.initProducerIdCalls();
        broker.script(topic, ScriptedBroker.Answer.DEFAULT, ScriptedBroker.Answer.DEFAULT,
                ScriptedBroker.Answer.of(Errors.NOT_LEADER_OR_FOLLOWER));
        Output out = output(topic, Map.of("batch.size", "1024"));
        List<LogRecord> records = lines(0, 1000);

        assertEquals(SendResult.DELIVERED, send(out, records));
        List<ScriptedBroker.Received> received = broker.received(topic);
        assertTrue(received.size() > 10, "batch.size 1024: many record batches, more than 5 in flight: " + received.size());
        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER, received.get(2).answer());
        // how many went behind it before its answer was read depends on timing; those got OUT_OF_ORDER
        assertEquals(values(records), broker.storedValues(topic));
        List<ScriptedBroker.Received> stored = broker.stored(topic);
        assertTrue(stored.stream().anyMatch(r -> r.baseSequence() == received.get(2).baseSequence()), "the refused one sent again");
        assertTrue(stored.stream().allMatch(r -> r.producerId() == received.get(0).producerId()));
        assertSequencesConsistent(stored);
        assertEquals(initsBefore + 1, broker.initProducerIdCalls());
    }

    @Test
    void connectionLostWithSeveralRequestsInFlight() throws Exception {
        String topic = "dropped-pipelined";
        broker.script(topic, ScriptedBroker.Answer.DEFAULT, ScriptedBroker.Answer.DROP);
        Output out = output(topic, Map.of("batch.size", "1024"));
        List<LogRecord> records = lines(0, 1000);

        assertEquals(SendResult.DELIVERED, send(out, records));
        List<ScriptedBroker.Received> received = broker.received(topic);
        assertTrue(received.stream().anyMatch(r -> r.answer() == Errors.DUPLICATE_SEQUENCE_NUMBER), received.toString());
        assertEquals(values(records), broker.storedValues(topic));
        assertSequencesConsistent(broker.stored(topic));
    }

    @Test
    void unansweredRequestTimesOutAndIsResentWithSameSequence() throws Exception {
        String topic = "stalled";
        broker.script(topic, ScriptedBroker.Answer.STALL);
        // the read timeout is request.timeout.ms + 1s
        Output out = output(topic, Map.of("request.timeout.ms", "200", "delivery.timeout.ms", "5000"));
        List<LogRecord> records = lines(0, 10);

        assertEquals(SendResult.DELIVERED, send(out, records));
        List<ScriptedBroker.Received> received = broker.received(topic);
        assertEquals(2, received.size(), received.toString());
        assertEquals(Errors.DUPLICATE_SEQUENCE_NUMBER, received.get(1).answer());
        assertEquals(received.get(0).baseSequence(), received.get(1).baseSequence());
        assertEquals(received.get(0).producerId(), received.get(1).producerId());
        assertEquals(values(records), broker.storedValues(topic));
    }

    @Test
    void brokerThatStopsReadingIsRetryableWithinTheDeliveryTimeout() throws Exception {
        String topic = "frozen";
        broker.script(topic, ScriptedBroker.Answer.FREEZE);
        int deliveryTimeoutMs = 2000;
        Output out = output(topic, Map.of("batch.size", "65536", "delivery.timeout.ms", Integer.toString(deliveryTimeoutMs),
                "send.buffer.bytes", "16384"));
        List<LogRecord> records = new ArrayList<>();
        String filler = "z".repeat(200);
        for (int i = 0; i < 5000; i++) records.add(LogRecord.builder().message(i + " " + filler).build()); // ~1 MB

        SendResult r = out.send(Batch.of(records)).get(deliveryTimeoutMs + 10_000, TimeUnit.MILLISECONDS);
        assertInstanceOf(SendResult.Retryable.class, r, r.toString());
    }

    @Test
    void outOfOrderSequenceTakesANewProducerId() throws Exception {
        String topic = "out-of-order";
        int initsBefore = broker.initProducerIdCalls();
        broker.script(topic, ScriptedBroker.Answer.of(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER));
        Output out = output(topic, Map.of("batch.size", "1024"));
        List<LogRecord> records = lines(0, 300);

        assertEquals(SendResult.DELIVERED, send(out, records));
        assertEquals(initsBefore + 2, broker.initProducerIdCalls());
        List<ScriptedBroker.Received> stored = broker.stored(topic);
        assertNotEquals(broker.received(topic).get(0).producerId(), stored.get(0).producerId());
        assertEquals(values(records), broker.storedValues(topic));
        assertSequencesConsistent(stored);
    }

    @Test
    void messageTooLargeWithLaterRecordBatchesInFlight() throws Exception {
        String topic = "split-pipelined";
        broker.script(topic, ScriptedBroker.Answer.of(Errors.MESSAGE_TOO_LARGE));
        Output out = output(topic, Map.of("batch.size", "1024"));
        List<LogRecord> records = lines(0, 500);

        assertEquals(SendResult.DELIVERED, send(out, records));
        assertEquals(values(records), broker.storedValues(topic));
        List<ScriptedBroker.Received> stored = broker.stored(topic);
        assertEquals(broker.received(topic).get(0).count(), stored.get(0).count() + stored.get(1).count(),
                "the refused record batch went again in two halves");
        assertSequencesConsistent(stored);
    }

    @Test
    void invalidRecordWithLaterRecordBatchesInFlight() throws Exception {
        String topic = "invalid-pipelined";
        broker.script(topic, ScriptedBroker.Answer.invalidRecords(0, 3));
        Output out = output(topic, Map.of("batch.size", "1024"));
        List<LogRecord> records = lines(0, 500);

        SendResult r = send(out, records);
        List<String> expected = new ArrayList<>();
        List<String> expectedStored = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            boolean bad = i == 0 || i == 3;
            expected.add(bad ? "rejected:bad_request" : "delivered");
            if (!bad) expectedStored.add("line " + i);
        }
        assertEquals(expected, outcomes(r, 500));
        assertEquals(expectedStored, broker.storedValues(topic));
        assertSequencesConsistent(broker.stored(topic));
    }

    @Test
    void invalidRecordWithoutRecordErrorsRejectsTheRecordBatch() throws Exception {
        String topic = "invalid-all";
        broker.script(topic, ScriptedBroker.Answer.of(Errors.INVALID_RECORD));
        Output out = output(topic, Map.of());

        SendResult r = send(out, lines(0, 3));
        assertEquals(List.of("rejected:bad_request", "rejected:bad_request", "rejected:bad_request"),
                outcomes(r, 3), r.toString());
        assertEquals(List.of(), broker.storedValues(topic));
    }

    @Test
    void brokerClosingEveryConnectionBetweenBatchesIsNoticedAndSentAgain() throws Exception {
        String topic = "reconnect";
        Output out = output(topic, Map.of());
        List<LogRecord> first = lines(0, 10);
        assertEquals(SendResult.DELIVERED, send(out, first));

        broker.dropConnections();
        List<LogRecord> second = lines(10, 10);
        assertEquals(SendResult.DELIVERED, send(out, second));
        List<String> all = new ArrayList<>(values(first));
        all.addAll(values(second));
        assertEquals(all, broker.storedValues(topic));
        assertSequencesConsistent(broker.stored(topic));
        assertTrue(((DirectKafkaOutput) out).isHealthy());
    }

    @Test
    void partitionFailingUntilTheDeliveryTimeoutLeavesTheOthersDelivered() throws Exception {
        String topic = "half-down";
        broker.partitions(topic, 2);
        broker.rule(topic, r -> r.partition() == 1 ? ScriptedBroker.Answer.of(Errors.NOT_ENOUGH_REPLICAS) : null);
        Output out = output(config(List.of(broker.address()), topic, "pod", null, "none", null,
                Map.of("delivery.timeout.ms", "1500"), "direct"));
        List<LogRecord> records = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        List<String> expectedStored = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String key = "pod-" + i;
            records.add(LogRecord.builder().message("m" + i).fields(Fields.of("pod", Value.of(key))).build());
            boolean down = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % 2 == 1;
            expected.add(down ? "retryable:server_error" : "delivered");
            if (!down) expectedStored.add("m" + i);
        }
        assertTrue(expected.contains("delivered") && expected.contains("retryable:server_error"), "keys in both partitions");

        SendResult r = send(out, records);
        assertEquals(expected, outcomes(r, 20), r.toString());
        assertEquals(expectedStored, broker.storedValues(topic));
        assertTrue(broker.stored(topic).stream().allMatch(b -> b.partition() == 0));
    }

    @Test
    void closeWhileRetryingAnswersTheBatch() throws Exception {
        String topic = "closing";
        broker.rule(topic, x -> ScriptedBroker.Answer.of(Errors.NOT_ENOUGH_REPLICAS));
        Output out = output(topic, Map.of("delivery.timeout.ms", "25000"));
        var future = out.send(Batch.of(lines(0, 3)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (broker.received(topic).size() < 2 && System.nanoTime() < deadline) Thread.sleep(5);
        assertTrue(broker.received(topic).size() >= 2, "retrying");

        out.close();
        SendResult r = future.get(30, TimeUnit.SECONDS);
        assertInstanceOf(SendResult.Retryable.class, r, r.toString());
        assertFalse(((DirectKafkaOutput) out).isHealthy());
        assertEquals(List.of(), broker.storedValues(topic));
    }

    // ---- metadata, partitions, topics

    @Test
    void topicRefusedByMetadataIsRejectedWithoutProducing() throws Exception {
        String topic = "meta-denied";
        broker.topicError(topic, Errors.TOPIC_AUTHORIZATION_FAILED);
        Output out = output(topic, Map.of());

        SendResult r = send(out, lines(0, 2));
        assertEquals(List.of("retryable:auth", "retryable:auth"), outcomes(r, 2), r.toString());
        assertEquals(List.of(), broker.received(topic));
    }

    @Test
    void topicAllowedAgainIsDeliveredOnTheNextBatch() throws Exception {
        String topic = "meta-denied-then-allowed";
        broker.topicError(topic, Errors.TOPIC_AUTHORIZATION_FAILED);
        Output out = output(topic, Map.of());
        List<LogRecord> records = lines(0, 2);
        assertEquals(List.of("retryable:auth", "retryable:auth"), outcomes(send(out, records), 2));

        broker.topicError(topic, null); // the ACL was fixed: KafkaProducer asks the metadata again on its next send
        SendResult r = send(out, records);
        assertEquals(SendResult.DELIVERED, r, r.toString());
        assertEquals(values(records), broker.storedValues(topic));
    }

    @Test
    void unknownTopicIsRetryableAfterMaxBlockThenDelivered() throws Exception {
        String topic = "meta-unknown";
        broker.topicError(topic, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        Output out = output(topic, Map.of("max.block.ms", "300"));
        List<LogRecord> records = lines(0, 2);

        SendResult.Retryable r = assertInstanceOf(SendResult.Retryable.class, send(out, records));
        assertEquals("timeout", r.reason().label(), r.toString());
        assertEquals(List.of(), broker.received(topic));

        broker.topicError(topic, null);
        assertEquals(SendResult.DELIVERED, send(out, records));
        assertEquals(values(records), broker.storedValues(topic));
    }

    @Test
    void unkeyedRecordsGoToPartitionsWithALeader() throws Exception {
        String topic = "sticky";
        broker.partitions(topic, 4);
        broker.leaderless(topic, 1, 3);
        Output out = output(topic, Map.of("batch.size", "1024"));
        List<LogRecord> records = lines(0, 1000);

        assertEquals(SendResult.DELIVERED, send(out, records));
        List<ScriptedBroker.Received> stored = broker.stored(topic);
        assertTrue(stored.stream().allMatch(b -> b.partition() == 0 || b.partition() == 2), "only partitions 0 and 2");
        assertTrue(stored.stream().anyMatch(b -> b.partition() == 0) && stored.stream().anyMatch(b -> b.partition() == 2),
                "a full record batch moves on to the next partition");
        assertEquals(Set.copyOf(values(records)), Set.copyOf(broker.storedValues(topic)));
        assertEquals(1000, broker.storedValues(topic).size());
        for (int p : new int[] {0, 2}) {
            int partition = p;
            List<Integer> ns = stored.stream().filter(b -> b.partition() == partition)
                    .flatMap(b -> b.values().stream()).map(v -> Integer.parseInt(v.substring(5))).toList();
            assertEquals(ns.stream().sorted().toList(), ns, "partition " + p + " in order");
        }
        assertSequencesConsistent(stored);
    }

    @Test
    void keyedRecordForALeaderlessPartitionIsRetryableThenDeliveredWhenItHasOne() throws Exception {
        String topic = "leaderless";
        broker.partitions(topic, 2);
        String key = "k0";
        int partition = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % 2;
        broker.leaderless(topic, partition);
        Output out = output(config(List.of(broker.address()), topic, "pod", null, "none", null,
                Map.of("delivery.timeout.ms", "1500"), "direct"));
        List<LogRecord> records = List.of(LogRecord.builder().message("m0").fields(Fields.of("pod", Value.of(key))).build());

        SendResult.Retryable r = assertInstanceOf(SendResult.Retryable.class, send(out, records));
        assertEquals("server_error", r.reason().label(), r.toString());
        assertFalse(((DirectKafkaOutput) out).isHealthy());

        broker.leaderless(topic);
        assertEquals(SendResult.DELIVERED, send(out, records));
        assertEquals(partition, broker.stored(topic).get(0).partition());
        assertEquals(List.of("m0"), broker.storedValues(topic));
    }

    @Test
    void morePartitionsAreUsedOnceMetadataShowsThem() throws Exception {
        String topic = "growing";
        Output out = output(config(List.of(broker.address()), topic, "pod", null, "none", null,
                Map.of("metadata.max.age.ms", "0"), "direct"));
        List<LogRecord> records = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            records.add(LogRecord.builder().message("m" + i).fields(Fields.of("pod", Value.of("pod-" + i))).build());
        }
        assertEquals(SendResult.DELIVERED, send(out, records));
        assertTrue(broker.stored(topic).stream().allMatch(b -> b.partition() == 0));

        broker.partitions(topic, 3);
        assertEquals(SendResult.DELIVERED, send(out, records));
        List<ScriptedBroker.Received> stored = broker.stored(topic);
        int n = 0;
        for (ScriptedBroker.Received b : stored.subList(1, stored.size())) {
            for (ScriptedBroker.Msg m : b.records()) {
                n++;
                assertEquals(Utils.toPositive(Utils.murmur2(m.key().getBytes(StandardCharsets.UTF_8))) % 3, b.partition());
            }
        }
        assertEquals(40, n);
        assertSequencesConsistent(stored);
    }

    @Test
    void topicTemplateSendsToSeveralTopicsAndRejectsAnInvalidName() throws Exception {
        Output out = output(config(List.of(broker.address()), "tpl-{{app}}", null, null, "none", null, Map.of(), "direct"));
        List<LogRecord> records = new ArrayList<>();
        String[] apps = {"a", "b", "bad app", "a", "b"};
        for (int i = 0; i < apps.length; i++) {
            records.add(LogRecord.builder().message("m" + i).fields(Fields.of("app", Value.of(apps[i]))).build());
        }
        SendResult r = send(out, records);
        assertEquals(List.of("delivered", "delivered", "rejected:invalid_record", "delivered", "delivered"),
                outcomes(r, 5), r.toString());
        assertEquals(List.of("m0", "m3"), broker.storedValues("tpl-a"));
        assertEquals(List.of("m1", "m4"), broker.storedValues("tpl-b"));
        double invalid = metrics.registry().scrape().stream()
                .filter(m -> m.getMetadata().getPrometheusName().equals("outrigger_output_kafka_records_invalid"))
                .flatMap(m -> m.getDataPoints().stream())
                .mapToDouble(d -> ((io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot) d).getValue())
                .sum();
        assertEquals(1.0, invalid, "counted once");
    }

    @Test
    void oneTopicRefusedOthersDeliveredInOneBatch() throws Exception {
        broker.script("tpl2-b", ScriptedBroker.Answer.of(Errors.TOPIC_AUTHORIZATION_FAILED));
        Output out = output(config(List.of(broker.address()), "tpl2-{{app}}", null, null, "none", null, Map.of(), "direct"));
        List<LogRecord> records = new ArrayList<>();
        String[] apps = {"a", "b", "a", "b"};
        for (int i = 0; i < apps.length; i++) {
            records.add(LogRecord.builder().message("m" + i).fields(Fields.of("app", Value.of(apps[i]))).build());
        }
        SendResult r = send(out, records);
        assertEquals(List.of("delivered", "retryable:auth", "delivered", "retryable:auth"), outcomes(r, 4),
                r.toString());
        assertEquals(List.of("m0", "m2"), broker.storedValues("tpl2-a"));
        assertEquals(List.of(), broker.storedValues("tpl2-b"));

        assertEquals(SendResult.DELIVERED, send(out, records));
        assertEquals(List.of("m0", "m2", "m0", "m2"), broker.storedValues("tpl2-a"));
        assertEquals(List.of("m1", "m3"), broker.storedValues("tpl2-b"));
        assertSequencesConsistent(broker.stored("tpl2-a"));
        assertSequencesConsistent(broker.stored("tpl2-b"));
    }

    // ---- other settings

    @Test
    void withoutIdempotenceRecordBatchesCarryNoProducerId() throws Exception {
        String topic = "acks-one";
        int initsBefore = broker.initProducerIdCalls();
        Output out = output(config(List.of(broker.address()), topic, null, null, "gzip", "1", Map.of("batch.size", "1024"),
                "direct"));
        List<LogRecord> records = lines(0, 300);

        assertEquals(SendResult.DELIVERED, send(out, records));
        assertEquals(values(records), broker.storedValues(topic));
        assertTrue(broker.stored(topic).stream().allMatch(b -> b.producerId() == -1 && b.baseSequence() == -1));
        assertEquals(initsBefore, broker.initProducerIdCalls());
    }

    @Test
    void manyPartitionsAreSpreadOverRequestsWithinMaxRequestSize() throws Exception {
        String topic = "wide";
        broker.partitions(topic, 8);
        int requestsBefore = broker.produceRequests();
        Output out = output(config(List.of(broker.address()), topic, "pod", null, "none", null,
                Map.of("batch.size", "1024", "max.request.size", "2500"), "direct"));
        List<LogRecord> records = new ArrayList<>();
        for (int i = 0; i < 800; i++) {
            records.add(LogRecord.builder().message("m" + i).fields(Fields.of("pod", Value.of("pod-" + (i % 8)))).build());
        }

        assertEquals(SendResult.DELIVERED, send(out, records));
        List<ScriptedBroker.Received> stored = broker.stored(topic);
        assertEquals(800, stored.stream().mapToInt(ScriptedBroker.Received::count).sum());
        assertTrue(broker.produceRequests() - requestsBefore > stored.size() / 3,
                "at most two record batches of ~1 KiB fit in 2500 bytes");
        assertSequencesConsistent(stored);
    }

    @Test
    void messageTooLargeWithoutIdempotenceSplitsToo() throws Exception {
        String topic = "split-acks-one";
        broker.script(topic, ScriptedBroker.Answer.of(Errors.MESSAGE_TOO_LARGE));
        Output out = output(config(List.of(broker.address()), topic, null, null, "none", "1", Map.of(), "direct"));
        List<LogRecord> records = lines(0, 5);

        assertEquals(SendResult.DELIVERED, send(out, records));
        assertEquals(List.of(2, 3), broker.stored(topic).stream().map(ScriptedBroker.Received::count).toList());
        assertEquals(values(records), broker.storedValues(topic));
    }

    @Test
    void jsonFormatSendsTheRecordAsJson() throws Exception {
        String topic = "json";
        Output out = output(new KafkaOutputConfig(List.of(broker.address()), topic, null, null, "json", "zstd", null, null,
                FAST, null, null, null, "direct"));
        assertEquals(SendResult.DELIVERED, send(out, lines(0, 3)));
        List<String> stored = broker.storedValues(topic);
        assertEquals(3, stored.size());
        for (int i = 0; i < 3; i++) {
            assertTrue(stored.get(i).startsWith("{") && stored.get(i).contains("\"line " + i + "\""), stored.get(i));
        }
    }

    @Test
    void recordLargerThanBatchSizeGoesAlone() throws Exception {
        String topic = "over-batch-size";
        Output out = output(topic, Map.of("batch.size", "1024"));
        List<LogRecord> records = lines(0, 100);
        records.set(50, LogRecord.builder().message("y".repeat(5000)).build());

        assertEquals(SendResult.DELIVERED, send(out, records));
        assertEquals(values(records), broker.storedValues(topic));
        assertSequencesConsistent(broker.stored(topic));
    }

    @Test
    void sendAfterCloseIsRetryableClosed() throws Exception {
        Output out = output("closed", Map.of());
        out.close();
        SendResult.Retryable r = assertInstanceOf(SendResult.Retryable.class, send(out, lines(0, 1)));
        assertEquals("closed", r.reason().label());
        assertFalse(((DirectKafkaOutput) out).isHealthy());
    }

    @Test
    void emptyBatchIsDeliveredWithoutAsking() throws Exception {
        int produceBefore = broker.produceRequests();
        Output out = output("empty", Map.of());
        assertEquals(SendResult.DELIVERED, send(out, List.of()));
        assertEquals(produceBefore, broker.produceRequests());
    }

    @Test
    void producerIdRefusedByAuthorizationOrRetriablyIsAskedAgain() throws Exception {
        // an authorization refusal is retried like every output's 401/403 (issue 15), never dead-lettered
        broker.failInitProducerId(Errors.CLUSTER_AUTHORIZATION_FAILED);
        Output denied = output("pid-denied", Map.of());
        List<LogRecord> deniedRecords = lines(0, 2);
        assertEquals(SendResult.DELIVERED, send(denied, deniedRecords));
        assertEquals(values(deniedRecords), broker.storedValues("pid-denied"));

        int initsBefore = broker.initProducerIdCalls();
        broker.failInitProducerId(Errors.COORDINATOR_LOAD_IN_PROGRESS);
        Output loading = output("pid-loading", Map.of());
        List<LogRecord> records = lines(0, 2);
        assertEquals(SendResult.DELIVERED, send(loading, records));
        assertEquals(initsBefore + 2, broker.initProducerIdCalls());
        assertEquals(values(records), broker.storedValues("pid-loading"));
    }

    @Test
    void bootstrapSkipsABrokerThatIsDown() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String topic = "bootstrap";
        List<LogRecord> records = lines(0, 5);
        for (int i = 0; i < 5; i++) { // the first bootstrap broker tried is picked at random: new outputs, new picks
            Output out = output(config(List.of("127.0.0.1:" + port, broker.address()), topic, null, null, "none", null,
                    Map.of(), "direct"));
            assertEquals(SendResult.DELIVERED, send(out, records));
            assertTrue(((DirectKafkaOutput) out).isHealthy());
        }
        assertEquals(25, broker.storedValues(topic).size());
    }

    @Test
    void olderBrokerIsSpokenToInItsVersions() throws Exception {
        try (ScriptedBroker old = new ScriptedBroker()) {
            old.maxVersion(ApiKeys.PRODUCE, (short) 7);
            old.maxVersion(ApiKeys.METADATA, (short) 5);
            old.maxVersion(ApiKeys.INIT_PRODUCER_ID, (short) 1);
            String topic = "old";
            Output out = output(config(List.of(old.address()), topic, null, null, "lz4", null, Map.of(), "direct"));
            List<LogRecord> records = lines(0, 5);
            assertEquals(SendResult.DELIVERED, send(out, records));
            assertEquals(values(records), old.storedValues(topic));
        }
    }

    @Test
    void brokerBeforeApiVersionsV3IsSpokenTo() throws Exception {
        try (ScriptedBroker old = new ScriptedBroker()) { // Kafka 2.3's versions
            old.maxVersion(ApiKeys.API_VERSIONS, (short) 2);
            old.maxVersion(ApiKeys.PRODUCE, (short) 7);
            old.maxVersion(ApiKeys.METADATA, (short) 8);
            old.maxVersion(ApiKeys.INIT_PRODUCER_ID, (short) 1);
            String topic = "kafka-2-3";
            Output out = output(config(List.of(old.address()), topic, null, null, "none", null, Map.of("max.block.ms", "500"),
                    "direct"));
            List<LogRecord> records = lines(0, 5);
            SendResult r = send(out, records);
            assertEquals(SendResult.DELIVERED, r, r.toString());
            assertEquals(values(records), old.storedValues(topic));
        }
    }

    @Test
    void brokerTooOldForRecordBatchesIsRetryableConnection() throws Exception {
        try (ScriptedBroker old = new ScriptedBroker()) {
            old.maxVersion(ApiKeys.PRODUCE, (short) 2);
            Output out = output(config(List.of(old.address()), "ancient", null, null, "none", null,
                    Map.of("max.block.ms", "300"), "direct"));
            SendResult.Retryable r = assertInstanceOf(SendResult.Retryable.class, send(out, lines(0, 1)));
            assertEquals("connection", r.reason().label(), r.toString());
            assertTrue(r.detail().contains("too old"), r.detail());
            assertEquals(List.of(), old.received("ancient"));
        }
    }

    @Test
    void autoPicksTheDirectSenderOnlyWhenItCan() {
        KafkaOutputConfig plain = config(List.of(broker.address()), "auto", null, null, "none", null, Map.of(), null);
        Output direct = factory.create(plain, ctx);
        toClose.add(direct);
        assertInstanceOf(DirectKafkaOutput.class, direct);

        KafkaOutputConfig acks0 = config(List.of(broker.address()), "auto", null, null, "none", "0",
                Map.of("delivery.timeout.ms", "3000"), null);
        Output producer = factory.create(acks0, ctx);
        toClose.add(producer);
        assertInstanceOf(KafkaOutput.class, producer);
    }

    // ---- which configs the direct sender takes

    private static KafkaOutputConfig plain(String acks, Map<String, String> producer, String client) {
        return new KafkaOutputConfig(List.of("k:9092"), "t", null, null, null, null, acks, null, producer, null, null,
                null, client);
    }

    @Test
    void needsProducerNamesWhatTheDirectSenderCannotDo() {
        assertEquals("producer.security.protocol: SASL_SSL",
                DirectSettings.needsProducer(plain(null, Map.of("security.protocol", "SASL_SSL"), null)));
        assertEquals("acks: 0", DirectSettings.needsProducer(plain("0", null, null)));
        assertEquals("producer.interceptor.classes",
                DirectSettings.needsProducer(plain(null, Map.of("interceptor.classes", "x.Y"), null)));
        assertEquals("client: producer", DirectSettings.needsProducer(plain(null, null, "producer")));

        assertNull(DirectSettings.needsProducer(plain(null, null, null)));
        assertNull(DirectSettings.needsProducer(plain(null, null, "direct")));
        assertNull(DirectSettings.needsProducer(plain("1", null, null)));
        assertNull(DirectSettings.needsProducer(plain(null, Map.of("security.protocol", "PLAINTEXT"), null)));
        assertNull(DirectSettings.needsProducer(plain(null,
                Map.of("linger.ms", "20", "batch.size", "65536", "max.request.size", "2097152"), null)));
    }

    @Test
    void directSettingsReadTheProducerProperties() {
        DirectSettings s = DirectSettings.of(plain(null, Map.of("batch.size", "65536", "max.request.size", "2097152",
                "delivery.timeout.ms", "20000", "max.in.flight.requests.per.connection", "9"), null));
        assertEquals(65536, s.batchSize());
        assertEquals(2097152, s.maxRequestSize());
        assertEquals(20000, s.deliveryTimeoutMs());
        assertEquals(5, s.maxInFlight(), "idempotence allows at most 5");
        assertEquals(-1, s.acks());
        assertTrue(s.idempotent());
        DirectSettings one = DirectSettings.of(plain("1", null, null));
        assertEquals(1, one.acks());
        assertFalse(one.idempotent());
        assertEquals(1, one.maxInFlight(), "without sequences one request at a time");
    }

    @Test
    void validateReportsNumbersTheDirectSenderCannotRead() {
        List<String> paths = factory.validate(plain(null, Map.of("max.request.size", "lots", "retry.backoff.ms", "soon",
                        "compression.lz4.level", "x"), "direct"))
                .stream().map(ConfigProblem::path).sorted().toList();
        assertEquals(List.of("producer.compression.lz4.level", "producer.max.request.size", "producer.retry.backoff.ms"),
                paths);
    }

    @Test
    void validateReportsClientProblems() {
        List<ConfigProblem> ssl = factory.validate(plain(null, Map.of("security.protocol", "SSL"), "direct"));
        assertEquals(1, ssl.size(), ssl.toString());
        assertEquals("client", ssl.get(0).path());
        assertTrue(ssl.get(0).message().contains("security.protocol: SSL"), ssl.get(0).message());

        List<ConfigProblem> bogus = factory.validate(plain(null, null, "bogus"));
        assertEquals(1, bogus.size(), bogus.toString());
        assertEquals("client", bogus.get(0).path());
        assertTrue(bogus.get(0).message().contains("\"bogus\""), bogus.get(0).message());

        assertEquals(List.of(), factory.validate(plain(null, Map.of("security.protocol", "SSL"), "auto")));
        assertEquals(List.of(), factory.validate(plain(null, Map.of("security.protocol", "SSL"), "producer")));
    }
}
