package io.outrigger.outputs.kafka;

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
import io.outrigger.core.pipeline.Reason;
import io.outrigger.core.pipeline.SendResult;
import io.outrigger.core.telemetry.Metrics;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The send/acknowledge logic against Kafka's MockProducer (no broker). */
class KafkaOutputUnitTest {

    private final Metrics metrics = Metrics.newIsolated();
    private final ComponentContext ctx = new ComponentContext("k", metrics, InstantSource.system(), null, null,
            CheckpointStore.inMemory(), Map.of());
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) c.close();
    }

    private KafkaOutput output(String topic, org.apache.kafka.clients.producer.Producer<byte[], byte[]> producer) {
        KafkaOutputConfig c = new KafkaOutputConfig(List.of("k:9092"), topic, null, null, null, null, null, null,
                null, null, null, 1);
        KafkaOutput out = KafkaOutputFactory.create(c, ctx, producer, () -> {
            throw new AssertionError("the producer was given");
        });
        toClose.add(out);
        return out;
    }

    private static MockProducer<byte[], byte[]> mock(boolean autoComplete) {
        return new MockProducer<>(autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static Batch batch(int n) {
        List<LogRecord> rs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rs.add(LogRecord.builder().message("line " + i).fields(Fields.of("app", Value.of(i == 1 ? "bad app" : "web"))).build());
        }
        return Batch.of(rs);
    }

    private static void await(BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within 10s");
            Thread.sleep(5);
        }
    }

    @Test
    void everyCallbackOkIsDelivered() throws Exception {
        MockProducer<byte[], byte[]> p = mock(false);
        KafkaOutput out = output("logs", p);
        CompletableFuture<SendResult> f = out.send(batch(3));
        await(() -> p.history().size() == 3);
        assertFalse(f.isDone(), "must wait for every acknowledgement");
        p.completeNext();
        p.completeNext();
        assertFalse(f.isDone());
        p.completeNext();
        assertEquals(SendResult.DELIVERED, f.get(10, TimeUnit.SECONDS));
        assertEquals(List.of("line 0", "line 1", "line 2"), p.history().stream()
                .map(r -> new String(r.value())).map(s -> s.replaceAll(".*\"message\":\"([^\"]*)\".*", "$1")).toList());
    }

    @Test
    void mixedAnswersArePerRecordInBatchOrder() throws Exception {
        MockProducer<byte[], byte[]> p = mock(false);
        KafkaOutput out = output("logs", p);
        CompletableFuture<SendResult> f = out.send(batch(4));
        await(() -> p.history().size() == 4);
        p.completeNext();
        p.errorNext(new RecordTooLargeException("too big"));
        p.errorNext(new TopicAuthorizationException("no"));
        p.completeNext();
        SendResult.PerRecord r = assertInstanceOf(SendResult.PerRecord.class, f.get(10, TimeUnit.SECONDS));
        assertEquals(4, r.results().size());
        assertEquals(SendResult.DELIVERED, r.results().get(0));
        assertEquals(Reason.TOO_LARGE, assertInstanceOf(SendResult.Rejected.class, r.results().get(1)).reason());
        assertEquals(Reason.AUTH, assertInstanceOf(SendResult.Retryable.class, r.results().get(2)).reason(), "never dead-lettered");
        assertEquals(SendResult.DELIVERED, r.results().get(3));
    }

    @Test
    void afterARetryableBatchLaterFirstSendsAreHeldBackUntilARetryIsDelivered() throws Exception {
        MockProducer<byte[], byte[]> p = mock(false);
        KafkaOutput out = output("logs", p);
        assertTrue(out.keepsOrder());
        CompletableFuture<SendResult> f = out.send(batch(2));
        await(() -> p.history().size() == 2);
        p.errorNext(new TimeoutException("Expiring 2 record(s)"));
        p.errorNext(new TimeoutException("Expiring 2 record(s)"));
        assertEquals(Reason.TIMEOUT, assertInstanceOf(SendResult.Retryable.class, f.get(10, TimeUnit.SECONDS)).reason());
        // a batch queued behind the failed one is not sent ahead of its retry
        SendResult.Retryable held = assertInstanceOf(SendResult.Retryable.class, out.send(batch(1)).get(10, TimeUnit.SECONDS));
        assertEquals(Reason.TIMEOUT, held.reason());
        assertTrue(held.detail().startsWith("held back"), held.detail());
        assertEquals(2, p.history().size(), "nothing more was sent");
        Batch first = batch(2);
        CompletableFuture<SendResult> retry = out.send(first.retry(first.records()));
        await(() -> p.history().size() == 4);
        p.completeNext();
        p.completeNext();
        assertEquals(SendResult.DELIVERED, retry.get(10, TimeUnit.SECONDS));
        CompletableFuture<SendResult> g = out.send(batch(1));
        await(() -> p.history().size() == 5);
        p.completeNext();
        assertEquals(SendResult.DELIVERED, g.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aSynchronousTimeoutAnswersTheRestWithoutWaitingAgain() throws Exception {
        List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>();
        MockProducer<byte[], byte[]> p = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
            @Override public synchronized java.util.concurrent.Future<RecordMetadata> send(
                    ProducerRecord<byte[], byte[]> record, Callback callback) {
                sent.add(record);
                // what KafkaProducer does when metadata does not come within max.block.ms
                TimeoutException e = new TimeoutException("Topic logs not present in metadata after 5000 ms.");
                if (callback != null) callback.onCompletion(null, e);
                return CompletableFuture.failedFuture(e);
            }
        };
        KafkaOutput out = output("logs", p);
        SendResult r = out.send(batch(50)).get(10, TimeUnit.SECONDS);
        assertEquals(Reason.TIMEOUT, assertInstanceOf(SendResult.Retryable.class, r).reason());
        assertEquals(1, sent.size(), "only the first record may wait for metadata");
    }

    @Test
    void aTopicWhoseMetadataTimedOutDoesNotHoldUpOtherTopics() throws Exception {
        List<String> sentTopics = new ArrayList<>();
        MockProducer<byte[], byte[]> p = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
            @Override public synchronized java.util.concurrent.Future<RecordMetadata> send(
                    ProducerRecord<byte[], byte[]> record, Callback callback) {
                sentTopics.add(record.topic());
                if (record.topic().equals("t-missing")) {
                    TimeoutException e = new TimeoutException("Topic t-missing not present in metadata after 5000 ms.");
                    if (callback != null) callback.onCompletion(null, e);
                    return CompletableFuture.failedFuture(e);
                }
                return super.send(record, callback);
            }
        };
        KafkaOutput out = output("t-{{dest}}", p);
        List<LogRecord> rs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            rs.add(LogRecord.builder().message("m" + i).fields(Fields.of("dest", Value.of(i % 2 == 0 ? "missing" : "ok"))).build());
        }
        SendResult.PerRecord r = assertInstanceOf(SendResult.PerRecord.class, out.send(Batch.of(rs)).get(10, TimeUnit.SECONDS));
        for (int i = 0; i < 6; i++) {
            if (i % 2 == 0) assertEquals(Reason.TIMEOUT, assertInstanceOf(SendResult.Retryable.class, r.results().get(i)).reason());
            else assertEquals(SendResult.DELIVERED, r.results().get(i));
        }
        assertEquals(List.of("t-missing", "t-ok", "t-ok", "t-ok"), sentTopics);
    }

    @Test
    void sendThrowingIsClassifiedNotPropagated() throws Exception {
        MockProducer<byte[], byte[]> p = mock(true);
        p.sendException = new org.apache.kafka.common.errors.SerializationException("cannot");
        KafkaOutput out = output("logs", p);
        SendResult.Rejected r = assertInstanceOf(SendResult.Rejected.class, singleOrFirst(out.send(batch(2)).get(10, TimeUnit.SECONDS)));
        assertEquals(Reason.INVALID_RECORD, r.reason());
    }

    private static SendResult singleOrFirst(SendResult r) {
        return r instanceof SendResult.PerRecord pr ? pr.results().getFirst() : r;
    }

    @Test
    void aRecordWhoseTopicIsInvalidIsRejectedAndCountedOthersAreSent() throws Exception {
        MockProducer<byte[], byte[]> p = mock(true);
        KafkaOutput out = output("logs-{{app}}", p);
        SendResult.PerRecord r = assertInstanceOf(SendResult.PerRecord.class, out.send(batch(3)).get(10, TimeUnit.SECONDS));
        assertEquals(SendResult.DELIVERED, r.results().get(0));
        assertEquals(Reason.INVALID_RECORD, assertInstanceOf(SendResult.Rejected.class, r.results().get(1)).reason());
        assertEquals(SendResult.DELIVERED, r.results().get(2));
        assertEquals(2, p.history().size());
        assertEquals("logs-web", p.history().getFirst().topic());
        double count = metrics.registry().scrape().stream()
                .filter(m -> m.getMetadata().getPrometheusName().equals("outrigger_output_kafka_records_invalid"))
                .flatMap(m -> m.getDataPoints().stream())
                .mapToDouble(d -> ((io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot) d).getValue())
                .sum();
        assertEquals(1.0, count);
    }

    @Test
    void withoutAResolvableBrokerTheProducerIsMadeOnALaterSend() throws Exception {
        MockProducer<byte[], byte[]> p = mock(true);
        int[] attempts = {0};
        KafkaOutputConfig c = KafkaOutputConfig.of(List.of("kafka.invalid:9092"), "logs");
        KafkaOutput out = KafkaOutputFactory.create(c, ctx, null, () -> {
            if (++attempts[0] < 3) throw new IllegalArgumentException("no broker address resolves");
            return p;
        });
        toClose.add(out);
        for (int i = 0; i < 2; i++) {
            SendResult.Retryable r = assertInstanceOf(SendResult.Retryable.class, out.send(batch(1)).get(10, TimeUnit.SECONDS));
            assertEquals(Reason.CONNECTION, r.reason());
            assertTrue(r.detail().contains("no broker address resolves"), r.detail());
        }
        assertEquals(SendResult.DELIVERED, out.send(batch(1)).get(10, TimeUnit.SECONDS));
        assertEquals(3, attempts[0]);
        assertFalse(KafkaOutputFactory.anyResolves(List.of("kafka.invalid:9092")));
        assertTrue(KafkaOutputFactory.anyResolves(List.of("kafka.invalid:9092", "127.0.0.1:9092")));
    }

    @Test
    void emptyBatchIsDelivered() throws Exception {
        KafkaOutput out = output("logs", mock(true));
        assertEquals(SendResult.DELIVERED, out.send(Batch.of(List.of())).get(10, TimeUnit.SECONDS));
    }

    @Test
    void closeClosesTheProducerAndLaterSendsAreRetryable() throws Exception {
        MockProducer<byte[], byte[]> p = mock(true);
        KafkaOutput out = output("logs", p);
        assertEquals(SendResult.DELIVERED, out.send(batch(1)).get(10, TimeUnit.SECONDS));
        out.close();
        assertTrue(p.closed());
        SendResult r = out.send(batch(1)).get(1, TimeUnit.SECONDS);
        assertEquals(Reason.CLOSED, assertInstanceOf(SendResult.Retryable.class, r).reason());
        assertTrue(Duration.ofSeconds(10).equals(KafkaOutputFactory.CLOSE_TIMEOUT));
    }
}
