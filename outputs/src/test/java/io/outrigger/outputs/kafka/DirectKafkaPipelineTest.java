package io.outrigger.outputs.kafka;

import static io.outrigger.outputs.kafka.SendOutcomes.assertSequencesConsistent;
import static io.outrigger.outputs.kafka.SendOutcomes.outcome;
import static io.outrigger.outputs.kafka.SendOutcomes.outcomes;
import static io.outrigger.outputs.kafka.SendOutcomes.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.event.Fields;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Value;
import io.outrigger.core.pipeline.Batch;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.SendResult;
import io.outrigger.core.telemetry.Metrics;
import io.prometheus.metrics.core.metrics.Counter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The direct sender with several batches handed to {@code send()} at once (pipelined: a batch's record batches in
 * flight while the next is encoded), and failures hitting an earlier batch: every future completes, each record
 * gets one answer, a partition's stored order is the send order, sequences fit per producer id.
 */
class DirectKafkaPipelineTest {

    private static ScriptedBroker broker;
    private static final AtomicInteger TOPICS = new AtomicInteger();

    private static final Map<String, String> FAST = Map.of("retry.backoff.ms", "10", "retry.backoff.max.ms", "100",
            "request.timeout.ms", "1000", "delivery.timeout.ms", "5000", "max.block.ms", "2000");

    private final KafkaOutputFactory factory = new KafkaOutputFactory();
    private final ComponentContext ctx = new ComponentContext("k", Metrics.newIsolated(), InstantSource.system(), null, null,
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

    private static String topic(String what) { return "pipe-" + what + "-" + TOPICS.incrementAndGet(); }

    private static KafkaOutputConfig config(String address, String topic, String key, Map<String, String> extra) {
        Map<String, String> producer = new LinkedHashMap<>(FAST);
        producer.putAll(extra);
        return new KafkaOutputConfig(List.of(address), topic, key, null, "raw", "none", null, null, producer, null, null,
                null, "direct");
    }

    private Output output(KafkaOutputConfig c) {
        assertEquals(List.of(), factory.validate(c));
        Output o = factory.create(c, ctx);
        toClose.add(o);
        assertInstanceOf(DirectKafkaOutput.class, o);
        return o;
    }

    private Output output(String topic, Map<String, String> extra) {
        return output(config(broker.address(), topic, null, extra));
    }

    /** Built directly, to have a close timeout shorter than the factory's 10 s. */
    private Output direct(String topic, Map<String, String> extra, Duration closeTimeout) {
        KafkaOutputConfig c = config(broker.address(), topic, null, extra);
        assertEquals(List.of(), factory.validate(c));
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "pipeline-test-direct");
            t.setDaemon(true);
            return t;
        });
        Counter invalid = Counter.builder().name("pipeline_test_invalid_total").labelNames("output", "reason").build();
        Output o = new DirectKafkaOutput("k", DirectSettings.of(c), executor, RecordEncoder.of(c), invalid, closeTimeout);
        toClose.add(o);
        return o;
    }

    private static List<LogRecord> lines(int from, int n) {
        List<LogRecord> rs = new ArrayList<>();
        for (int i = from; i < from + n; i++) rs.add(LogRecord.builder().message("line " + i).build());
        return rs;
    }

    /** The batches handed over one after another without waiting; the answers, each within 30 s. */
    private static List<SendResult> sendTogether(Output out, List<List<LogRecord>> batches) throws Exception {
        List<CompletableFuture<SendResult>> futures = new ArrayList<>();
        for (List<LogRecord> b : batches) futures.add(out.send(Batch.of(b)));
        List<SendResult> results = new ArrayList<>();
        for (CompletableFuture<SendResult> f : futures) results.add(f.get(30, TimeUnit.SECONDS));
        return results;
    }

    private static List<List<LogRecord>> batches(int count, int size) {
        List<List<LogRecord>> out = new ArrayList<>();
        for (int b = 0; b < count; b++) out.add(lines(b * size, size));
        return out;
    }

    private static List<String> all(List<List<LogRecord>> batches) {
        List<String> out = new ArrayList<>();
        for (List<LogRecord> b : batches) out.addAll(values(b));
        return out;
    }

    /** A rule answering the {@code nth} partition batch (1-based, arrival order) with {@code answer}. */
    private static java.util.function.Function<ScriptedBroker.Received, ScriptedBroker.Answer> nth(int nth,
                                                                                                   ScriptedBroker.Answer answer) {
        AtomicInteger seen = new AtomicInteger();
        return r -> seen.incrementAndGet() == nth ? answer : null;
    }

    /**
     * A rule answering, for each {@code at[k]}, the first partition batch from that one on (1-based, arrival order)
     * that holds more than one record with {@code answers[k]} (a one-record batch refused as too large is rejected,
     * not split).
     */
    private static java.util.function.Function<ScriptedBroker.Received, ScriptedBroker.Answer> from(int[] at,
                                                                                                    ScriptedBroker.Answer... answers) {
        AtomicInteger seen = new AtomicInteger();
        boolean[] fired = new boolean[at.length];
        return r -> {
            int n = seen.incrementAndGet();
            for (int k = 0; k < at.length; k++) {
                if (!fired[k] && n >= at[k] && r.count() > 1) {
                    fired[k] = true;
                    return answers[k];
                }
            }
            return null;
        };
    }

    private static ScriptedBroker.Answer answer(String kind) {
        return switch (kind) {
            case "DROP" -> ScriptedBroker.Answer.DROP;
            case "STALL" -> ScriptedBroker.Answer.STALL;
            default -> ScriptedBroker.Answer.of(Errors.valueOf(kind));
        };
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) Thread.sleep(5);
        assertTrue(condition.getAsBoolean(), what);
    }

    // ---- (1) a failure on an earlier batch while later ones are queued, encoded or in flight

    @ParameterizedTest(name = "{0} on partition batch {1}")
    @CsvSource({
        "NOT_LEADER_OR_FOLLOWER, 2", "NOT_LEADER_OR_FOLLOWER, 7", "NOT_LEADER_OR_FOLLOWER, 15",
        "NOT_ENOUGH_REPLICAS, 6",
        "DROP, 3", "DROP, 9",
        "STALL, 5",
        "MESSAGE_TOO_LARGE, 4", "MESSAGE_TOO_LARGE, 11",
        "UNKNOWN_PRODUCER_ID, 6",
        "OUT_OF_ORDER_SEQUENCE_NUMBER, 8",
    })
    void failureOnAnEarlierBatchLeavesEveryBatchDeliveredInOrder(String kind, int nth) throws Exception {
        String topic = topic("fail");
        broker.rule(topic, from(new int[] {nth}, answer(kind)));
        Output out = output(topic, Map.of("batch.size", "1024", "request.timeout.ms", "300", "delivery.timeout.ms", "8000"));
        List<List<LogRecord>> batches = batches(6, 200);

        List<SendResult> results = sendTogether(out, batches);

        for (int b = 0; b < results.size(); b++) assertEquals(SendResult.DELIVERED, results.get(b), "batch " + b + " (" + kind + ")");
        assertTrue(broker.received(topic).size() > 6 * 3, "several record batches per batch: " + broker.received(topic).size());
        if (kind.equals("DROP") || kind.equals("STALL")) {
            assertTrue(broker.received(topic).stream().anyMatch(r -> r.answer() == Errors.DUPLICATE_SEQUENCE_NUMBER),
                    "the unanswered request was sent again and found stored");
        } else {
            assertTrue(broker.received(topic).stream().anyMatch(r -> r.answer() == Errors.valueOf(kind)), "the scripted failure hit");
        }
        assertEquals(all(batches), broker.storedValues(topic), "each record stored once, in send order");
        assertSequencesConsistent(broker.stored(topic));
        assertTrue(((DirectKafkaOutput) out).isHealthy());
    }

    @ParameterizedTest(name = "partition batch {0}")
    @CsvSource({"1", "5", "12"})
    void nonRetriableRefusalOfAnEarlierRecordBatchRejectsExactlyItsRecords(int nth) throws Exception {
        String topic = topic("refused");
        broker.rule(topic, nth(nth, ScriptedBroker.Answer.of(Errors.TOPIC_AUTHORIZATION_FAILED)));
        Output out = output(topic, Map.of("batch.size", "1024"));
        List<List<LogRecord>> batches = batches(5, 200);

        List<SendResult> results = sendTogether(out, batches);

        Set<String> refused = new HashSet<>(broker.received(topic).get(nth - 1).values());
        assertEquals(Errors.TOPIC_AUTHORIZATION_FAILED, broker.received(topic).get(nth - 1).answer());
        List<String> expectedStored = new ArrayList<>();
        for (int b = 0; b < batches.size(); b++) {
            List<String> expected = new ArrayList<>();
            for (String v : values(batches.get(b))) {
                expected.add(refused.contains(v) ? "retryable:auth" : "delivered");
                if (!refused.contains(v)) expectedStored.add(v);
            }
            assertEquals(expected, outcomes(results.get(b), expected.size()), "batch " + b);
        }
        assertEquals(expectedStored, broker.storedValues(topic));
        assertSequencesConsistent(broker.stored(topic));
    }

    @ParameterizedTest(name = "partition batch {0}")
    @CsvSource({"1", "6"})
    void invalidRecordInAnEarlierBatchIsRejectedAloneAndTheRestKeepTheirOrder(int nth) throws Exception {
        String topic = topic("invalid");
        broker.rule(topic, nth(nth, ScriptedBroker.Answer.invalidRecords(0, 2)));
        Output out = output(topic, Map.of("batch.size", "1024"));
        List<List<LogRecord>> batches = batches(5, 200);

        List<SendResult> results = sendTogether(out, batches);

        List<String> refusedChunk = broker.received(topic).get(nth - 1).values();
        Set<String> bad = Set.of(refusedChunk.get(0), refusedChunk.get(2));
        List<String> expectedStored = new ArrayList<>();
        for (int b = 0; b < batches.size(); b++) {
            List<String> expected = new ArrayList<>();
            for (String v : values(batches.get(b))) {
                expected.add(bad.contains(v) ? "rejected:bad_request" : "delivered");
                if (!bad.contains(v)) expectedStored.add(v);
            }
            assertEquals(expected, outcomes(results.get(b), expected.size()), "batch " + b);
        }
        assertEquals(expectedStored, broker.storedValues(topic));
        assertSequencesConsistent(broker.stored(topic));
    }

    @Test
    void severalFailuresOfDifferentKindsAcrossPipelinedBatches() throws Exception {
        String topic = topic("mixed");
        broker.rule(topic, from(new int[] {3, 9, 14, 20, 26}, ScriptedBroker.Answer.of(Errors.NOT_LEADER_OR_FOLLOWER),
                ScriptedBroker.Answer.of(Errors.MESSAGE_TOO_LARGE), ScriptedBroker.Answer.DROP,
                ScriptedBroker.Answer.of(Errors.UNKNOWN_PRODUCER_ID), ScriptedBroker.Answer.of(Errors.REQUEST_TIMED_OUT)));
        Output out = output(topic, Map.of("batch.size", "1024"));
        List<List<LogRecord>> batches = batches(8, 200);

        List<SendResult> results = sendTogether(out, batches);

        for (SendResult r : results) assertEquals(SendResult.DELIVERED, r);
        assertEquals(all(batches), broker.storedValues(topic));
        assertSequencesConsistent(broker.stored(topic));
    }

    @Test
    void keyedRecordsOverThreePartitionsKeepEachPartitionsOrderThroughFailures() throws Exception {
        String topic = topic("keyed");
        broker.partitions(topic, 3);
        AtomicInteger seen = new AtomicInteger();
        Set<Integer> refused = Set.of(2, 7, 15); // partition 1's 2nd, 7th and 15th record batches received
        broker.rule(topic, r -> r.partition() == 1 && refused.contains(seen.incrementAndGet())
                ? ScriptedBroker.Answer.of(Errors.NOT_LEADER_OR_FOLLOWER) : null);
        Output out = output(config(broker.address(), topic, "pod", Map.of("batch.size", "1024")));
        List<List<LogRecord>> batches = new ArrayList<>();
        Map<Integer, List<String>> expected = new HashMap<>();
        int n = 0;
        for (int b = 0; b < 6; b++) {
            List<LogRecord> batch = new ArrayList<>();
            for (int i = 0; i < 150; i++, n++) {
                String key = "pod-" + (n % 17);
                batch.add(LogRecord.builder().message("m" + n).fields(Fields.of("pod", Value.of(key))).build());
                int p = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % 3;
                expected.computeIfAbsent(p, x -> new ArrayList<>()).add("m" + n);
            }
            batches.add(batch);
        }

        List<SendResult> results = sendTogether(out, batches);

        for (SendResult r : results) assertEquals(SendResult.DELIVERED, r);
        assertTrue(seen.get() >= 2, "partition 1 was refused at least once");
        for (int p = 0; p < 3; p++) {
            List<String> stored = new ArrayList<>();
            for (ScriptedBroker.Received r : broker.stored(topic)) if (r.partition() == p) stored.addAll(r.values());
            assertEquals(expected.getOrDefault(p, List.of()), stored, "partition " + p);
        }
        assertSequencesConsistent(broker.stored(topic));
    }

    @Test
    void sendersOnSeveralThreadsGetEveryRecordStoredOnceInEachThreadsOrder() throws Exception {
        String topic = topic("threads");
        broker.rule(topic, nth(10, ScriptedBroker.Answer.of(Errors.NOT_LEADER_OR_FOLLOWER)));
        Output out = output(topic, Map.of("batch.size", "2048"));
        int threads = 4;
        List<List<CompletableFuture<SendResult>>> futures = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<CompletableFuture<SendResult>> mine = java.util.Collections.synchronizedList(new ArrayList<>());
            futures.add(mine);
            int base = t * 100_000;
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int b = 0; b < 5; b++) mine.add(out.send(Batch.of(lines(base + b * 100, 100))));
            });
            th.start();
            ts.add(th);
        }
        start.countDown();
        for (Thread th : ts) th.join(30_000);
        for (List<CompletableFuture<SendResult>> mine : futures) {
            assertEquals(5, mine.size());
            for (CompletableFuture<SendResult> f : mine) assertEquals(SendResult.DELIVERED, f.get(30, TimeUnit.SECONDS));
        }
        List<String> stored = broker.storedValues(topic);
        assertEquals(threads * 500, stored.size());
        assertEquals(threads * 500, new HashSet<>(stored).size(), "no record stored twice");
        for (int t = 0; t < threads; t++) {
            String prefix = "line " + t;
            List<String> mineStored = new ArrayList<>();
            for (String v : stored) {
                int num = Integer.parseInt(v.substring(5));
                if (num / 100_000 == t) mineStored.add(v);
            }
            assertEquals(values(lines(t * 100_000, 500)), mineStored, "thread " + t + " (" + prefix + ")");
        }
        assertSequencesConsistent(broker.stored(topic));
    }

    @ParameterizedTest(name = "compression {0}, idempotence {1}, metadata.max.age.ms {2}, batch.size {3}")
    @CsvSource({
        "gzip, true, 300000, 1024",
        "lz4, true, 1, 1024",      // metadata asked again at each batch, with requests in flight
        "zstd, true, 300000, 200", // a few records per record batch
        "none, false, 300000, 1024",
        "snappy, false, 1, 2048",
    })
    void variantsKeepOrderThroughFailuresOnEarlierBatches(String compression, boolean idempotence, String metadataMaxAge,
                                                          String batchSize) throws Exception {
        String topic = topic("variant");
        ScriptedBroker.Answer[] answers = idempotence
                ? new ScriptedBroker.Answer[] {ScriptedBroker.Answer.of(Errors.NOT_LEADER_OR_FOLLOWER),
                    ScriptedBroker.Answer.of(Errors.MESSAGE_TOO_LARGE), ScriptedBroker.Answer.DROP,
                    ScriptedBroker.Answer.of(Errors.UNKNOWN_PRODUCER_ID)}
                : new ScriptedBroker.Answer[] {ScriptedBroker.Answer.of(Errors.NOT_LEADER_OR_FOLLOWER),
                    ScriptedBroker.Answer.of(Errors.MESSAGE_TOO_LARGE), ScriptedBroker.Answer.of(Errors.REQUEST_TIMED_OUT)};
        int[] at = idempotence ? new int[] {2, 4, 6, 8} : new int[] {2, 4, 6};
        broker.rule(topic, from(at, answers));
        Map<String, String> producer = new LinkedHashMap<>(FAST);
        producer.putAll(Map.of("batch.size", batchSize, "metadata.max.age.ms", metadataMaxAge));
        KafkaOutputConfig c = new KafkaOutputConfig(List.of(broker.address()), topic, null, null, "raw", compression, null,
                idempotence, producer, null, null, null, "direct");
        Output out = output(c);
        List<List<LogRecord>> batches = batches(6, 300);

        List<SendResult> results = sendTogether(out, batches);

        for (int b = 0; b < results.size(); b++) assertEquals(SendResult.DELIVERED, results.get(b), "batch " + b);
        assertTrue(broker.received(topic).stream().anyMatch(r -> r.answer() != Errors.NONE), "a failure was met");
        // a record batch whose request was lost with its connection (DROP: stored, not answered) goes again under
        // the old producer id before UNKNOWN_PRODUCER_ID's new one, so it is not stored twice
        assertEquals(all(batches), broker.storedValues(topic), "each record stored once, in send order");
        if (idempotence) {
            assertSequencesConsistent(broker.stored(topic));
        } else {
            assertTrue(broker.stored(topic).stream().allMatch(r -> r.producerId() < 0), "no producer id without idempotence");
        }
    }

    @Test
    void emptyAndWhollyRejectedBatchesBetweenPipelinedOnesAreAnsweredInPlace() throws Exception {
        String topic = topic("odd");
        broker.rule(topic, from(new int[] {2}, ScriptedBroker.Answer.of(Errors.NOT_LEADER_OR_FOLLOWER)));
        Output out = output(topic, Map.of("batch.size", "1024", "max.request.size", "4096"));
        List<LogRecord> big = List.of(LogRecord.builder().message("x".repeat(10_000)).build(),
                LogRecord.builder().message("y".repeat(10_000)).build());
        List<List<LogRecord>> batches = List.of(lines(0, 200), List.of(), big, lines(200, 200), lines(400, 200));

        List<SendResult> results = sendTogether(out, batches);

        assertEquals(SendResult.DELIVERED, results.get(0));
        assertEquals(SendResult.DELIVERED, results.get(1));
        assertEquals(List.of("rejected:too_large", "rejected:too_large"), outcomes(results.get(2), 2));
        assertEquals(SendResult.DELIVERED, results.get(3));
        assertEquals(SendResult.DELIVERED, results.get(4));
        List<String> expected = new ArrayList<>(values(lines(0, 600)));
        assertEquals(expected, broker.storedValues(topic));
        assertSequencesConsistent(broker.stored(topic));
    }

    @Test
    void topicTemplateWithOneTopicRefusedByMetadataAcrossPipelinedBatches() throws Exception {
        String ok = topic("tmpl-ok");
        String denied = topic("tmpl-denied");
        broker.topicError(denied, Errors.TOPIC_AUTHORIZATION_FAILED);
        broker.rule(ok, from(new int[] {3}, ScriptedBroker.Answer.of(Errors.NOT_LEADER_OR_FOLLOWER)));
        Output out = output(new KafkaOutputConfig(List.of(broker.address()), "{{t}}", null, null, "raw", "none", null, null,
                new LinkedHashMap<>(Map.of("batch.size", "1024", "retry.backoff.ms", "10", "request.timeout.ms", "1000",
                        "delivery.timeout.ms", "5000", "max.block.ms", "2000")), null, null, null, "direct"));
        List<List<LogRecord>> batches = new ArrayList<>();
        List<List<String>> expected = new ArrayList<>();
        List<String> expectedStored = new ArrayList<>();
        for (int b = 0, n = 0; b < 4; b++) {
            List<LogRecord> batch = new ArrayList<>();
            List<String> exp = new ArrayList<>();
            for (int i = 0; i < 150; i++, n++) {
                boolean refused = n % 10 == 3;
                batch.add(LogRecord.builder().message("m" + n).fields(Fields.of("t", Value.of(refused ? denied : ok))).build());
                exp.add(refused ? "retryable:auth" : "delivered");
                if (!refused) expectedStored.add("m" + n);
            }
            batches.add(batch);
            expected.add(exp);
        }

        List<SendResult> results = sendTogether(out, batches);

        for (int b = 0; b < 4; b++) assertEquals(expected.get(b), outcomes(results.get(b), 150), "batch " + b);
        assertEquals(expectedStored, broker.storedValues(ok));
        assertEquals(List.of(), broker.received(denied));
        assertSequencesConsistent(broker.stored(ok));
        broker.topicError(denied, null);
    }

    @Test
    void batchSizeZeroSendsOneRecordPerRecordBatchThroughFailures() throws Exception {
        String topic = topic("size-zero");
        broker.rule(topic, nth(3, ScriptedBroker.Answer.of(Errors.NOT_LEADER_OR_FOLLOWER)));
        Output out = output(topic, Map.of("batch.size", "0"));
        List<List<LogRecord>> batches = batches(3, 8);

        List<SendResult> results = sendTogether(out, batches);

        for (SendResult r : results) assertEquals(SendResult.DELIVERED, r);
        assertEquals(all(batches), broker.storedValues(topic));
        assertTrue(broker.stored(topic).stream().allMatch(r -> r.count() == 1), "one record per record batch");
        assertSequencesConsistent(broker.stored(topic));
    }

    // ---- (2) no future left hanging at close

    @Test
    void closeWithUnansweredRequestsInFlightAndBatchesQueuedAnswersEveryBatch() throws Exception {
        String topic = topic("close-stall");
        broker.rule(topic, r -> ScriptedBroker.Answer.STALL);
        // read timeout 6 s: only close can end the wait within the test's bounds
        Output out = direct(topic, Map.of("batch.size", "1024", "request.timeout.ms", "5000", "delivery.timeout.ms", "20000"),
                Duration.ofMillis(300));
        List<CompletableFuture<SendResult>> futures = new ArrayList<>();
        for (List<LogRecord> b : batches(4, 100)) futures.add(out.send(Batch.of(b)));
        await(() -> !broker.received(topic).isEmpty(), "a request reached the broker");

        long start = System.nanoTime();
        out.close();
        for (CompletableFuture<SendResult> f : futures) {
            SendResult r = f.get(30, TimeUnit.SECONDS);
            assertInstanceOf(SendResult.Retryable.class, r, r.toString());
        }
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 5_500,
                "answered once close gave up, not after the 6 s read timeout");
        assertFalse(((DirectKafkaOutput) out).isHealthy());
        assertEquals(SendResult.Retryable.class, out.send(Batch.of(lines(0, 1))).get(5, TimeUnit.SECONDS).getClass());
    }

    @Test
    void closeWhileRetryingWithLaterBatchesQueuedAnswersEveryBatch() throws Exception {
        String topic = topic("close-retry");
        broker.rule(topic, r -> ScriptedBroker.Answer.of(Errors.NOT_ENOUGH_REPLICAS));
        Output out = output(topic, Map.of("batch.size", "1024", "delivery.timeout.ms", "25000"));
        List<CompletableFuture<SendResult>> futures = new ArrayList<>();
        for (List<LogRecord> b : batches(4, 100)) futures.add(out.send(Batch.of(b)));
        await(() -> broker.received(topic).size() >= 4, "retrying");

        out.close();
        for (CompletableFuture<SendResult> f : futures) {
            SendResult r = f.get(30, TimeUnit.SECONDS);
            assertInstanceOf(SendResult.Retryable.class, r, r.toString());
        }
        assertEquals(List.of(), broker.storedValues(topic));
    }

    @Test
    void closeCalledFromACompletionOnTheSendingThreadStillAnswersEveryBatch() throws Exception {
        String topic = topic("close-callback");
        Output out = direct(topic, Map.of("batch.size", "1024"), Duration.ofMillis(300));
        List<CompletableFuture<SendResult>> futures = new ArrayList<>();
        CompletableFuture<SendResult> first = out.send(Batch.of(lines(0, 300)));
        first.thenRun(out::close); // runs on the output's own thread when the first batch is answered
        futures.add(first);
        for (int b = 1; b < 4; b++) futures.add(out.send(Batch.of(lines(b * 300, 300))));

        assertEquals(SendResult.DELIVERED, first.get(30, TimeUnit.SECONDS));
        for (CompletableFuture<SendResult> f : futures) {
            SendResult r = f.get(30, TimeUnit.SECONDS);
            // a batch cut by the close may be answered per record: some delivered, the rest retryable
            List<SendResult> each = r instanceof SendResult.PerRecord p ? p.results() : List.of(r);
            assertTrue(each.stream().allMatch(x -> x instanceof SendResult.Delivered || x instanceof SendResult.Retryable), r.toString());
        }
        List<String> stored = broker.storedValues(topic);
        assertEquals(stored.size(), new HashSet<>(stored).size(), "nothing stored twice");
        assertEquals(values(lines(0, stored.size())), stored, "what was stored is a prefix of what was sent, in order");
    }

    @Test
    void sendersOnSeveralThreadsRacingCloseEachGetAnAnswer() throws Exception {
        String topic = topic("close-race");
        broker.rule(topic, from(new int[] {4, 12}, ScriptedBroker.Answer.of(Errors.NOT_LEADER_OR_FOLLOWER),
                ScriptedBroker.Answer.DROP));
        Output out = output(topic, Map.of("batch.size", "1024"));
        Map<CompletableFuture<SendResult>, List<LogRecord>> futures = new java.util.concurrent.ConcurrentHashMap<>();
        CountDownLatch started = new CountDownLatch(3);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int base = t * 100_000;
            Thread th = new Thread(() -> {
                started.countDown();
                for (int b = 0; b < 30; b++) {
                    List<LogRecord> batch = lines(base + b * 100, 100);
                    futures.put(out.send(Batch.of(batch)), batch);
                }
            });
            th.start();
            ts.add(th);
        }
        started.await();
        await(() -> broker.received(topic).size() >= 4, "sending");
        out.close();
        for (Thread th : ts) th.join(30_000);

        assertEquals(90, futures.size());
        Set<String> delivered = new HashSet<>();
        for (Map.Entry<CompletableFuture<SendResult>, List<LogRecord>> e : futures.entrySet()) {
            SendResult r = e.getKey().get(30, TimeUnit.SECONDS);
            List<String> got = outcomes(r, e.getValue().size());
            for (int i = 0; i < got.size(); i++) {
                assertTrue(got.get(i).equals("delivered") || got.get(i).startsWith("retryable:"), r.toString());
                if (got.get(i).equals("delivered")) delivered.add(e.getValue().get(i).message());
            }
        }
        List<String> stored = broker.storedValues(topic);
        assertEquals(stored.size(), new HashSet<>(stored).size(), "nothing stored twice");
        assertTrue(new HashSet<>(stored).containsAll(delivered), "every record answered delivered is stored");
        assertFalse(((DirectKafkaOutput) out).isHealthy(), "closed");
    }

    @Test
    void closeWhileTheProducerIdIsStillRefusedAnswersQueuedBatches() throws Exception {
        try (ScriptedBroker loading = new ScriptedBroker()) {
            Errors[] refusals = new Errors[200];
            java.util.Arrays.fill(refusals, Errors.COORDINATOR_LOAD_IN_PROGRESS);
            loading.failInitProducerId(refusals);
            String topic = topic("close-pid");
            KafkaOutputConfig c = config(loading.address(), topic, null, Map.of("max.block.ms", "20000",
                    "delivery.timeout.ms", "20000"));
            Output out = output(c);
            List<CompletableFuture<SendResult>> futures = new ArrayList<>();
            for (int b = 0; b < 3; b++) futures.add(out.send(Batch.of(lines(b * 10, 10))));
            await(() -> loading.initProducerIdCalls() >= 2, "asking for a producer id");

            out.close();
            for (CompletableFuture<SendResult> f : futures) {
                SendResult r = f.get(15, TimeUnit.SECONDS);
                assertInstanceOf(SendResult.Retryable.class, r, r.toString());
            }
            assertEquals(List.of(), loading.storedValues(topic));
        }
    }

    // ---- (4) answers arriving in pieces

    @Test
    void answersArrivingAFewBytesAtATimeWhilePipelining() throws Exception {
        try (ScriptedBroker slow = new ScriptedBroker()) {
            slow.trickle(3, 1); // the size prefix too arrives in pieces: hasAnswer() sees part of it
            String topic = topic("trickle");
            slow.rule(topic, nth(4, ScriptedBroker.Answer.of(Errors.NOT_LEADER_OR_FOLLOWER)));
            Output out = output(config(slow.address(), topic, null, Map.of("batch.size", "1024")));
            List<List<LogRecord>> batches = batches(4, 150);

            List<SendResult> results = sendTogether(out, batches);

            for (SendResult r : results) assertEquals(SendResult.DELIVERED, r);
            assertEquals(all(batches), slow.storedValues(topic));
            assertSequencesConsistent(slow.stored(topic));
            assertTrue(((DirectKafkaOutput) out).isHealthy());
        }
    }

    @Test
    void answersLargerThanTheReceiveBufferAcrossManyPartitions() throws Exception {
        String topic = topic("wide");
        int partitions = 700; // the Metadata answer and a Produce answer each pass the wire's first 16 KiB buffer
        broker.partitions(topic, partitions);
        broker.rule(topic, from(new int[] {900}, ScriptedBroker.Answer.of(Errors.NOT_LEADER_OR_FOLLOWER)));
        Output out = output(config(broker.address(), topic, "pod", Map.of("batch.size", "16384")));
        List<List<LogRecord>> batches = new ArrayList<>();
        Map<Integer, List<String>> expected = new HashMap<>();
        for (int b = 0, n = 0; b < 3; b++) {
            List<LogRecord> batch = new ArrayList<>();
            for (int i = 0; i < 2000; i++, n++) {
                String key = "pod-" + (n % 1500);
                batch.add(LogRecord.builder().message("m" + n).fields(Fields.of("pod", Value.of(key))).build());
                int p = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
                expected.computeIfAbsent(p, x -> new ArrayList<>()).add("m" + n);
            }
            batches.add(batch);
        }

        List<SendResult> results = sendTogether(out, batches);

        for (SendResult r : results) assertEquals(SendResult.DELIVERED, r);
        Map<Integer, List<String>> stored = new HashMap<>();
        for (ScriptedBroker.Received r : broker.stored(topic)) {
            stored.computeIfAbsent(r.partition(), x -> new ArrayList<>()).addAll(r.values());
        }
        assertEquals(expected, stored);
        assertSequencesConsistent(broker.stored(topic));
    }

    // ---- (5) health

    @Test
    void healthFollowsGiveUpAndRecoveryAcrossPipelinedBatches() throws Exception {
        String topic = topic("health");
        broker.rule(topic, r -> ScriptedBroker.Answer.of(Errors.NOT_ENOUGH_REPLICAS));
        Output out = output(topic, Map.of("delivery.timeout.ms", "1200"));
        assertTrue(((DirectKafkaOutput) out).isHealthy(), "healthy before the first batch");

        List<SendResult> failed = sendTogether(out, batches(2, 10));
        for (SendResult r : failed) assertInstanceOf(SendResult.Retryable.class, r, r.toString());
        assertFalse(((DirectKafkaOutput) out).isHealthy());

        broker.rule(topic, null);
        List<List<LogRecord>> next = batches(3, 10);
        for (SendResult r : sendTogether(out, next)) assertEquals(SendResult.DELIVERED, r);
        assertTrue(((DirectKafkaOutput) out).isHealthy());
        assertEquals(all(next), broker.storedValues(topic));
        assertSequencesConsistent(broker.stored(topic));
    }

    // ---- bugs found

    @Test
    void retryBackoffStartsAgainForEachBatch() throws Exception {
        String topic = topic("backoff");
        AtomicInteger refusals = new AtomicInteger();
        broker.rule(topic, r -> refusals.getAndDecrement() > 0 ? ScriptedBroker.Answer.of(Errors.NOT_ENOUGH_REPLICAS) : null);
        Output out = output(topic, Map.of("retry.backoff.ms", "50", "retry.backoff.max.ms", "10000",
                "delivery.timeout.ms", "1500"));

        refusals.set(3); // backoff 50 + 100 + 200 ms
        assertEquals(SendResult.DELIVERED, out.send(Batch.of(lines(0, 5))).get(30, TimeUnit.SECONDS));
        refusals.set(4); // a new batch: 50 + 100 + 200 + 400 ms, well within delivery.timeout.ms
        SendResult second = out.send(Batch.of(lines(5, 5))).get(30, TimeUnit.SECONDS);
        assertEquals(SendResult.DELIVERED, second,
                "the second batch's retries waited 400, 800, ... ms: the first batch's attempts still counted");
        assertEquals(values(lines(0, 10)), broker.storedValues(topic));
    }

    @Test
    void metadataShowingFewerPartitionsDoesNotAbandonTheOtherPartitions() throws Exception {
        String topic = topic("shrink");
        broker.partitions(topic, 4);
        AtomicInteger seen = new AtomicInteger();
        broker.rule(topic, r -> {
            if (seen.incrementAndGet() > 2) return null;
            broker.partitions(topic, 1); // the topic recreated with one partition
            return ScriptedBroker.Answer.of(Errors.NOT_LEADER_OR_FOLLOWER);
        });
        Output out = output(config(broker.address(), topic, "pod", Map.of("delivery.timeout.ms", "1500")));
        String key0 = null;
        String key3 = null;
        for (int i = 0; key0 == null || key3 == null; i++) {
            String k = "pod-" + i;
            int p = Utils.toPositive(Utils.murmur2(k.getBytes(StandardCharsets.UTF_8))) % 4;
            if (p == 0 && key0 == null) key0 = k;
            if (p == 3 && key3 == null) key3 = k;
        }
        List<LogRecord> records = List.of(
                LogRecord.builder().message("to-0").fields(Fields.of("pod", Value.of(key0))).build(),
                LogRecord.builder().message("to-3").fields(Fields.of("pod", Value.of(key3))).build());

        SendResult r = out.send(Batch.of(records)).get(30, TimeUnit.SECONDS);

        List<String> got = outcomes(r, 2);
        assertEquals("delivered", got.get(0), r.toString());
        assertFalse(got.contains("retryable:kafka_error"), "no internal error: " + r);
        assertEquals(List.of("to-0"), broker.storedValues(topic));
    }

    @Test
    void outputIsHealthyAgainOnceRecordsAreDeliveredEvenWithOneRejected() throws Exception {
        String topic = topic("health-per-record");
        broker.rule(topic, nth(1, ScriptedBroker.Answer.of(Errors.NOT_LEADER_OR_FOLLOWER)));
        Output out = output(topic, Map.of("max.request.size", "4096"));
        List<LogRecord> records = lines(0, 4);
        records.set(1, LogRecord.builder().message("x".repeat(10_000)).build()); // over max.request.size

        SendResult r = out.send(Batch.of(records)).get(30, TimeUnit.SECONDS);
        assertEquals(List.of("delivered", "rejected:too_large", "delivered", "delivered"), outcomes(r, 4), r.toString());
        assertEquals(List.of("line 0", "line 2", "line 3"), broker.storedValues(topic));
        assertTrue(((DirectKafkaOutput) out).isHealthy(), "every record the broker could take was delivered");
    }

    @Test
    void emptyBatchDoesNotMakeAnUnhealthyOutputHealthy() throws Exception {
        String topic = topic("health-empty");
        broker.rule(topic, r -> ScriptedBroker.Answer.of(Errors.NOT_ENOUGH_REPLICAS));
        Output out = output(topic, Map.of("delivery.timeout.ms", "1200"));
        assertInstanceOf(SendResult.Retryable.class, out.send(Batch.of(lines(0, 3))).get(30, TimeUnit.SECONDS));
        assertFalse(((DirectKafkaOutput) out).isHealthy());

        assertEquals(SendResult.DELIVERED, out.send(Batch.of(List.of())).get(30, TimeUnit.SECONDS));
        assertFalse(((DirectKafkaOutput) out).isHealthy(), "the broker still refuses everything");
    }
}
