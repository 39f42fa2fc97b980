package io.outrigger.outputs.kafka;

import io.outrigger.core.event.LogRecord;
import io.outrigger.core.pipeline.Batch;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.Reason;
import io.outrigger.core.pipeline.SendResult;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.errors.InterruptException;

/**
 * Sends each batch with one shared {@link Producer}. {@code send()} only queues the batch on the output's own
 * thread (so the caller never waits on {@code producer.send}, which can block up to {@code max.block.ms}); that
 * thread encodes every record, hands it to the producer, then flushes the producer and waits there until the
 * batch is answered before it takes the next one. The producer's callbacks classify each record and, when the
 * last has answered, the batch's future completes: Delivered, one Retryable for the whole batch when every
 * record is retryable, otherwise a PerRecord answer.
 *
 * <p>One thread and a flush per batch, because a batch is already the unit the core chose to send: the flush
 * sends its last, partly filled producer batch at once instead of after {@code linger.ms}, and nothing contends
 * for the producer's per-partition lock. Batches go to the broker one after another, in order, while the core
 * readies the next ({@code concurrency} of them queue here). Measured with bench/e2e.sh (2M JSON lines, broker on
 * the same 2 cores, 5 interleaved pairs) against two threads appending at once and linger deciding when to send:
 * 8-22% more lines/s at 3-10% less CPU per line. A flush handed to another thread, so the next batch could be
 * appended meanwhile, sent many small requests (records appended while a flush is in progress go out at once)
 * and cost 8-15% more CPU for no more speed. While the broker is unreachable the producer holds at most one
 * batch, not as many as its buffer takes.
 *
 * <p>The producer is made in {@code create()} when a broker address resolves; otherwise (a sidecar that starts
 * before DNS knows the Kafka service) the output tries again on each send, answering Retryable
 * {@code connection} until it can make one.
 *
 * <p><b>Order.</b> Records of one partition are stored in the order of their batches: the producer keeps order
 * within a partition (idempotence), and once a batch came back retryable, a batch queued behind it that is not
 * itself a retry is answered retryable at once without being sent, until a retried batch is delivered. The shared
 * sender sends retries oldest first and no new batch meanwhile ({@link #keepsOrder()}).
 */
final class KafkaOutput implements Output {

    private static final System.Logger LOG = System.getLogger(KafkaOutput.class.getName());

    private final String name;
    private final ProducerSource source;
    private volatile Producer<byte[], byte[]> producer;
    private boolean creationFailureLogged;
    private final ExecutorService executor;
    private final ThreadLocal<RecordEncoder> encoders;
    private final Duration closeTimeout;
    private final Counter invalid;
    private final CounterDataPoint producerRetries;
    /** The producer's {@code record-retry-total} already counted; read and written on the output's thread only. */
    private double producerRetriesSeen;
    /** False when a configured interceptor or partitioner could keep a record's value after send(). */
    private final boolean valueReuseAllowed;
    private volatile boolean closed;
    /** A batch came back retryable and no retry was delivered since: a first send is held back (see class doc). */
    private volatile SendResult.Retryable holding;

    /** Makes the producer; throws when it cannot yet (with a message free of secrets). */
    interface ProducerSource {
        Producer<byte[], byte[]> create();
    }

    KafkaOutput(String name, Producer<byte[], byte[]> producer, ProducerSource source, ExecutorService executor,
                Supplier<RecordEncoder> encoderFactory, Counter invalid, Duration closeTimeout, boolean valueReuseAllowed,
                CounterDataPoint producerRetries) {
        this.producerRetries = producerRetries;
        this.name = name;
        this.producer = producer;
        this.source = source;
        this.executor = executor;
        this.encoders = ThreadLocal.withInitial(encoderFactory);
        this.invalid = invalid;
        this.closeTimeout = closeTimeout;
        this.valueReuseAllowed = valueReuseAllowed;
    }

    @Override
    public CompletableFuture<SendResult> send(Batch batch) {
        return enqueue(closed, executor, name, future -> new Task(batch, future));
    }

    /**
     * Queues the task {@code task} makes for a new future on the output's thread, or answers the future
     * Retryable "closed" when the output is closed: the caller never waits on Kafka. Both senders queue this way.
     */
    static CompletableFuture<SendResult> enqueue(boolean closed, ExecutorService executor, String name,
                                                 java.util.function.Function<CompletableFuture<SendResult>, Runnable> task) {
        CompletableFuture<SendResult> future = new CompletableFuture<>();
        if (closed) {
            future.complete(new SendResult.Retryable(Reason.CLOSED, "output " + name + " is closed"));
            return future;
        }
        try {
            executor.execute(task.apply(future));
        } catch (RejectedExecutionException e) {
            future.complete(new SendResult.Retryable(Reason.CLOSED, "output " + name + " is closed"));
        }
        return future;
    }

    /** One queued batch; kept as a type so a batch dropped from the queue at close can still be answered. */
    private final class Task implements Runnable {
        final Batch batch;
        final CompletableFuture<SendResult> future;

        Task(Batch batch, CompletableFuture<SendResult> future) {
            this.batch = batch;
            this.future = future;
        }

        @Override public void run() {
            SendResult.Retryable held = holding;
            if (held != null && batch.attempt() == 1) {
                future.complete(new SendResult.Retryable(held.reason(), "held back behind a batch waiting for its retry: "
                        + held.detail()));
                return;
            }
            Producer<byte[], byte[]> p;
            try {
                p = producer();
                if (p == null) {
                    future.complete(new SendResult.Retryable(Reason.CONNECTION, "output " + name + " has no Kafka producer yet: "
                            + lastCreationError));
                    return;
                }
                produceAll(p, batch, future);
            } catch (RuntimeException | Error e) { // a bug must not leave the batch hanging
                future.complete(new SendResult.Retryable(Reason.INTERNAL, e.toString()));
                return;
            }
            flush(p);
            countProducerRetries(p);
        }

        /**
         * Sends what the producer still holds now and waits until it is answered (the callbacks complete the
         * future). Not for a MockProducer: its flush() completes every pending send successfully.
         */
        private void flush(Producer<byte[], byte[]> p) {
            if (!(p instanceof KafkaProducer)) return;
            try {
                p.flush();
            } catch (InterruptException e) {
                // closing: the producer's close() answers the records still in flight through their callbacks
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "kafka output {0}: flush failed: {1}", name, e.toString());
            }
        }
    }

    private volatile String lastCreationError = "";

    /** Adds the records the producer sent again by itself since the last batch to the shared retries counter. */
    private void countProducerRetries(Producer<byte[], byte[]> p) {
        if (!(p instanceof KafkaProducer)) return;
        for (Map.Entry<MetricName, ? extends Metric> e : p.metrics().entrySet()) {
            MetricName n = e.getKey();
            if (n.name().equals("record-retry-total") && n.group().equals("producer-metrics")
                    && e.getValue().metricValue() instanceof Number v) {
                double total = v.doubleValue();
                if (total > producerRetriesSeen) producerRetries.inc(total - producerRetriesSeen);
                producerRetriesSeen = Math.max(producerRetriesSeen, total);
                return;
            }
        }
    }

    /** The producer, made now if it could not be made before; null while that still fails. */
    private synchronized Producer<byte[], byte[]> producer() {
        if (producer != null || closed) return producer;
        try {
            producer = source.create();
            LOG.log(System.Logger.Level.INFO, "kafka output {0}: producer created", name);
        } catch (RuntimeException e) {
            lastCreationError = e.getMessage();
            if (!creationFailureLogged) {
                creationFailureLogged = true;
                LOG.log(System.Logger.Level.WARNING, "kafka output {0}: cannot create the producer yet, retrying on each send: {1}",
                        name, lastCreationError);
            }
        }
        return producer;
    }

    private void produceAll(Producer<byte[], byte[]> producer, Batch batch, CompletableFuture<SendResult> future) {
        List<LogRecord> records = batch.records();
        int n = records.size();
        if (n == 0) {
            future.complete(SendResult.DELIVERED);
            return;
        }
        InFlight flight = new InFlight(n, batch.attempt(), future);
        RecordEncoder encoder = encoders.get();
        // KafkaProducer copies the value into its batch before send() returns; a MockProducer keeps it
        boolean reuse = valueReuseAllowed && producer instanceof KafkaProducer;
        Map<String, SendResult> stalled = null; // topics whose send() already timed out in this batch
        long encodedBytes = 0;
        for (int i = 0; i < n; i++) {
            ProducerRecord<byte[], byte[]> pr;
            try {
                pr = encoder.encode(records.get(i), reuse);
            } catch (RecordEncoder.Unencodable e) {
                invalid.labelValues(name, e.reason).inc();
                flight.done(i, new SendResult.Rejected(Reason.INVALID_RECORD, e.getMessage()));
                continue;
            } catch (RuntimeException e) {
                invalid.labelValues(name, "serialization").inc();
                flight.done(i, new SendResult.Rejected(Reason.INVALID_RECORD, e.toString()));
                continue;
            }
            if (stalled != null) {
                SendResult r = stalled.get(pr.topic());
                if (r != null) {
                    flight.done(i, r);
                    continue;
                }
            }
            encodedBytes += (pr.key() == null ? 0 : pr.key().length) + (pr.value() == null ? 0 : pr.value().length);
            final int index = i;
            try {
                producer.send(pr, (metadata, exception) -> flight.done(index, KafkaErrors.classify(exception)));
            } catch (RuntimeException e) { // send() reports most problems to the callback, but not all
                flight.done(i, KafkaErrors.classify(e));
            }
            // A retryable answer already here came from send() itself (metadata or buffer wait timed out, or the
            // broker failed very fast): sending more to that topic would wait max.block.ms again for each record.
            // Records for other topics (a templated topic) still go, so one missing topic does not hold them up.
            if (flight.results.get(i) instanceof SendResult.Retryable r) {
                if (encoder.hasConstantTopic()) {
                    for (int j = i + 1; j < n; j++) flight.done(j, r);
                    batch.encoded(encodedBytes);
                    return;
                }
                if (stalled == null) stalled = new HashMap<>();
                stalled.put(pr.topic(), r);
            }
        }
        batch.encoded(encodedBytes);
    }

    /** One batch's records waiting for their callbacks. */
    private final class InFlight {
        /** Each record's answer; null for a delivered one (the common case writes nothing). */
        final AtomicReferenceArray<SendResult> results;
        final AtomicInteger remaining;
        final CompletableFuture<SendResult> future;
        final int attempt;
        volatile SendResult.Retryable firstRetry;

        InFlight(int n, int attempt, CompletableFuture<SendResult> future) {
            this.results = new AtomicReferenceArray<>(n);
            this.remaining = new AtomicInteger(n);
            this.attempt = attempt;
            this.future = future;
        }

        void done(int index, SendResult result) {
            if (!(result instanceof SendResult.Delivered)) {
                if (result instanceof SendResult.Retryable r && r.reason() != Reason.CLOSED && firstRetry == null) firstRetry = r;
                results.set(index, result);
            }
            if (remaining.decrementAndGet() == 0) {
                // set before the answer, so the batch queued behind this one already sees it
                if (firstRetry != null) holding = firstRetry;
                else if (attempt > 1) holding = null;
                future.complete(summary());
            }
        }

        private SendResult summary() {
            SendResult[] each = new SendResult[results.length()];
            for (int i = 0; i < each.length; i++) each[i] = results.get(i);
            return KafkaOutput.summary(each);
        }
    }

    /**
     * A batch's answer from its records' answers (null: delivered): Delivered when all were, the first answer when
     * all are retryable (the whole batch goes again), else a PerRecord answer. Both senders answer this way.
     */
    static SendResult summary(SendResult[] results) {
        boolean allDelivered = true;
        boolean allRetryable = true;
        for (SendResult r : results) {
            if (r != null) allDelivered = false;
            if (!(r instanceof SendResult.Retryable)) allRetryable = false;
        }
        if (allDelivered) return SendResult.DELIVERED;
        if (allRetryable) return results[0];
        SendResult[] copy = new SendResult[results.length];
        for (int i = 0; i < copy.length; i++) copy[i] = results[i] == null ? SendResult.DELIVERED : results[i];
        return new SendResult.PerRecord(Arrays.asList(copy));
    }

    /** Kafka keeps records of one partition in order (see class doc). */
    @Override
    public boolean keepsOrder() { return true; }

    /** Waits for queued batches to be handed to the producer, then flushes and closes it within the timeout. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        long deadline = System.nanoTime() + closeTimeout.toNanos();
        executor.shutdown();
        try {
            if (!executor.awaitTermination(closeTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "kafka output {0}: batches still being handed to the producer after {1}",
                        name, closeTimeout);
                for (Runnable r : executor.shutdownNow()) {
                    if (r instanceof Task t) t.future.complete(new SendResult.Retryable(Reason.CLOSED, "output " + name + " closed"));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long left = Math.max(0, deadline - System.nanoTime());
        Producer<byte[], byte[]> p;
        synchronized (this) {
            p = producer;
        }
        if (p == null) return;
        try {
            p.close(Duration.ofNanos(left));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "kafka output {0}: closing the producer failed: {1}", name,
                    e.getClass().getSimpleName());
        }
    }

    @Override public String toString() { return "KafkaOutput[" + name + "]"; }

}
