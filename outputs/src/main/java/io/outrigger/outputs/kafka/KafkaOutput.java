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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.errors.InterruptException;

/**
 * Sends each batch with one shared {@link Producer}. {@code send()} only queues the batch on the output's own
 * thread (so the caller never waits on {@code producer.send}, which can block up to {@code max.block.ms}); that
 * thread encodes every record and hands it to the producer with the batch's one callback, which only counts
 * failures, then flushes the producer, which returns once every record sent before is answered. A batch with no
 * failure is Delivered without looking at its records again; otherwise the futures {@code send()} returned say
 * which failed: one Retryable for the whole batch when every record is retryable, else a PerRecord answer.
 *
 * <p>One thread and a flush per batch, because a batch is already the unit the core chose to send: the flush
 * sends its last, partly filled producer batch at once instead of after {@code linger.ms}, and nothing contends
 * for the producer's per-partition lock. Batches go to the broker one after another, in order, while the core
 * readies the next ({@code concurrency} of them queue here). While the broker is unreachable the producer holds at
 * most one batch, not as many as its buffer takes.
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
    /** False when a configured interceptor or partitioner could keep a record's value after send(). */
    private final boolean valueReuseAllowed;
    private volatile boolean closed;
    private final CounterDataPoint producerRetries;
    /** The producer's {@code record-retry-total} already counted; read and written on the output's thread only. */
    private double producerRetriesSeen;
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
     * Retryable "closed" when the output is closed: the caller never waits on Kafka.
     */
    private static CompletableFuture<SendResult> enqueue(boolean closed, ExecutorService executor, String name,
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
            try {
                Producer<byte[], byte[]> p = producer();
                if (p == null) {
                    future.complete(new SendResult.Retryable(Reason.CONNECTION, "output " + name + " has no Kafka producer yet: "
                            + lastCreationError));
                    return;
                }
                SendResult answer = sendAll(p, batch);
                countProducerRetries(p);
                // set before the answer, so the batch queued behind this one already sees it
                SendResult.Retryable retry = firstRetry(answer);
                if (retry != null) holding = retry;
                else if (batch.attempt() > 1) holding = null;
                future.complete(answer);
            } catch (RuntimeException | Error e) { // a bug must not leave the batch hanging
                future.complete(new SendResult.Retryable(Reason.INTERNAL, e.toString()));
            }
        }
    }

    private volatile String lastCreationError = "";

    /** The first retryable answer (not "closed") among a batch's answer, or null. */
    private static SendResult.Retryable firstRetry(SendResult answer) {
        if (answer instanceof SendResult.Retryable r) return r.reason() != Reason.CLOSED ? r : null;
        if (answer instanceof SendResult.PerRecord pr) {
            for (SendResult r : pr.results()) {
                if (r instanceof SendResult.Retryable t && t.reason() != Reason.CLOSED) return t;
            }
        }
        return null;
    }

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

    /** The futures of the batch being sent (only the output's thread uses it); grown as batches need. */
    private Future<?>[] pending = new Future<?>[0];

    /** Sends the records, waits until the producer has answered them all, and returns the batch's answer. */
    private SendResult sendAll(Producer<byte[], byte[]> producer, Batch batch) {
        List<LogRecord> records = batch.records();
        int n = records.size();
        if (n == 0) return SendResult.DELIVERED;
        SendResult[] results = new SendResult[n]; // null: delivered (or, until the end, sent)
        if (pending.length < n) pending = new Future<?>[n];
        Future<?>[] sent = pending;
        Arrays.fill(sent, 0, n, null); // nothing left from a batch that ended in an exception
        Failures failures = new Failures();
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
                results[i] = new SendResult.Rejected(Reason.INVALID_RECORD, e.getMessage());
                continue;
            } catch (RuntimeException e) {
                invalid.labelValues(name, "serialization").inc();
                results[i] = new SendResult.Rejected(Reason.INVALID_RECORD, e.toString());
                continue;
            }
            if (stalled != null) {
                SendResult r = stalled.get(pr.topic());
                if (r != null) {
                    results[i] = r;
                    continue;
                }
            }
            encodedBytes += (pr.key() == null ? 0 : pr.key().length) + (pr.value() == null ? 0 : pr.value().length);
            Future<?> f;
            int failedBefore = failures.get();
            try {
                f = producer.send(pr, failures);
            } catch (RuntimeException e) { // send() reports most problems in the future, but not all
                results[i] = KafkaErrors.classify(e);
                continue;
            }
            sent[i] = f;
            if (failures.get() == failedBefore || !f.isDone()) continue;
            sent[i] = null;
            results[i] = answer(f);
            // A retryable answer already here came from send() itself (metadata or buffer wait timed out, or the
            // broker failed very fast): sending more to that topic would wait max.block.ms again for each record.
            // Records for other topics (a templated topic) still go, so one missing topic does not hold them up.
            if (results[i] instanceof SendResult.Retryable r) {
                if (encoder.hasConstantTopic()) {
                    for (int j = i + 1; j < n; j++) results[j] = r;
                    break;
                }
                if (stalled == null) stalled = new HashMap<>();
                stalled.put(pr.topic(), r);
            }
        }
        batch.encoded(encodedBytes);
        boolean flushed = flush(producer);
        boolean interrupted = Thread.interrupted();
        if (flushed && failures.get() == 0) {
            // KafkaProducer's flush() returns after the callbacks of every record sent before it: none failed
            Arrays.fill(sent, 0, n, null);
        } else {
            // the futures say which failed; a MockProducer's are done when its test completes them
            for (int i = 0; i < n; i++) {
                Future<?> f = sent[i];
                if (f == null) continue;
                sent[i] = null;
                results[i] = interrupted && !f.isDone()
                        ? new SendResult.Retryable(Reason.CLOSED, "output " + name + " closed before Kafka answered") : answer(f);
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        return summary(results);
    }

    /**
     * Sends what the producer still holds now and returns when it is answered: true when a KafkaProducer's flush
     * returned normally (a MockProducer needs none: false).
     */
    private boolean flush(Producer<byte[], byte[]> p) {
        if (!(p instanceof KafkaProducer)) return false;
        try {
            p.flush();
            return true;
        } catch (InterruptException e) {
            // closing: the records not answered yet are answered Retryable "closed"
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "kafka output {0}: flush failed: {1}", name, e.toString());
        }
        return false;
    }

    /**
     * The one callback of a batch's records: it counts those that failed and does nothing for a delivered one, so
     * a batch without failures is answered without looking at any record; the futures say which failed.
     */
    private static final class Failures extends AtomicInteger implements Callback {
        private static final long serialVersionUID = 1L;

        @Override public void onCompletion(RecordMetadata metadata, Exception exception) {
            if (exception != null) incrementAndGet();
        }
    }

    /** A done future's answer (or, for a MockProducer's, once its test completes it). */
    private SendResult answer(Future<?> f) {
        try {
            f.get();
            return SendResult.DELIVERED;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return KafkaErrors.classify(cause instanceof Exception x ? x : new RuntimeException(cause));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SendResult.Retryable(Reason.CLOSED, "output " + name + " closed before Kafka answered");
        } catch (java.util.concurrent.CancellationException e) {
            return new SendResult.Retryable(Reason.CLOSED, "output " + name + " closed before Kafka answered");
        }
    }

    /**
     * A batch's answer from its records' answers (null or Delivered: delivered): Delivered when all were, the first answer when
     * all are retryable (the whole batch goes again), else a PerRecord answer.
     */
    private static SendResult summary(SendResult[] results) {
        boolean allDelivered = true;
        boolean allRetryable = true;
        for (SendResult r : results) {
            if (r != null && !(r instanceof SendResult.Delivered)) allDelivered = false;
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
