package io.outrigger.core.delivery;

import io.outrigger.core.config.BatchConfig;
import io.outrigger.core.config.OutputSettings;
import io.outrigger.core.config.RetryConfig;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.pipeline.Batch;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.SendResult;
import io.outrigger.core.telemetry.Metrics;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.DoubleSupplier;

/**
 * The one shared sender, in the manner of the OpenTelemetry Collector's exporter helper: it wraps an
 * {@link Output}'s send function in queue, batching, concurrency, retry with backoff, dead letters and
 * acknowledgements, so no output has its own.
 *
 * <ul>
 *   <li>Records queue here once the pipeline has taken their bytes from the {@link MemoryBudget}; a batch is cut
 *       at {@code batch.max_records} or {@code batch.max_bytes}, or when its oldest record waited
 *       {@code batch.max_wait}, or at once when the budget is exhausted (an input waits for room that only
 *       sending can free, so waiting for a fuller batch would stall both).</li>
 *   <li>At most {@code concurrency} batches are in flight; a batch waiting to be retried keeps its slot, so a
 *       failing server is not flooded and order is kept with {@code concurrency: 1}.</li>
 *   <li>Delivered records are acknowledged (their finalizers released, so checkpoints move) and their bytes given
 *       back to the budget. Rejected records go to {@link DeadLetters} and are then acknowledged too: never
 *       retried forever, never lost silently.</li>
 * </ul>
 */
public final class OutputRunner {

    private static final System.Logger LOG = System.getLogger(OutputRunner.class.getName());

    private final String name;
    private final Output output;
    private final BatchConfig batchConfig;
    private final RetryConfig retryConfig;
    private final MemoryBudget budget;
    private final DeadLetters deadLetters;
    private final InstantSource clock;
    private final ScheduledExecutorService scheduler;
    private final Backoff backoff;
    private final Semaphore slots;
    private final int concurrency;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<LogRecord> queue = new ArrayDeque<>();
    private long queuedBytes;
    private long oldestQueuedNanos;
    private boolean stopping;
    private final AtomicInteger inFlight = new AtomicInteger();
    /**
     * A batch was taken from the queue and is not yet counted in {@link #inFlight} (it waits for a slot): set with
     * the lock held as the batch is cut, cleared after the count, read before it, so "queue empty and nothing in
     * flight" is never seen in between.
     */
    private volatile boolean cutPending;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private volatile String lastFailure = "";
    private volatile boolean everDelivered;
    private Thread batcher;

    private final CounterDataPoint recordsSent;
    private final CounterDataPoint bytesSent;
    private final CounterDataPoint batches;
    private final Counter retries;
    private final Counter rejected;
    private final CounterDataPoint deadLettered;
    private final Counter dropped;
    private final GaugeDataPoint inFlightGauge;
    private final GaugeDataPoint queueGauge;
    private final DistributionDataPoint latency;

    public OutputRunner(String name, Output output, OutputSettings settings, MemoryBudget budget, DeadLetters deadLetters,
                        Metrics metrics, InstantSource clock, ScheduledExecutorService scheduler, DoubleSupplier random) {
        this.name = name;
        this.output = output;
        this.batchConfig = settings.batch() == null ? BatchConfig.DEFAULT : settings.batch();
        this.retryConfig = settings.retry() == null ? RetryConfig.DEFAULT : settings.retry();
        this.concurrency = settings.concurrency() == null ? 1 : settings.concurrency();
        this.slots = new Semaphore(concurrency);
        this.budget = budget;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.scheduler = scheduler;
        this.backoff = new Backoff(retryConfig, random);
        this.recordsSent = metrics.counter("outrigger_output_records_sent_total", "Records an output delivered", "output").labelValues(name);
        this.bytesSent = metrics.counter("outrigger_output_bytes_sent_total", "Estimated bytes of records an output delivered", "output").labelValues(name);
        this.batches = metrics.counter("outrigger_output_batches_total", "Batches an output sent, retries included", "output").labelValues(name);
        this.retries = metrics.counter("outrigger_output_retries_total", "Batches or records scheduled for another try", "output", "reason");
        this.rejected = metrics.counter("outrigger_output_records_rejected_total", "Records a server refused for good", "output", "reason");
        this.deadLettered = metrics.counter("outrigger_output_records_dead_lettered_total", "Records written to the dead-letter file", "output").labelValues(name);
        this.dropped = metrics.counter("outrigger_output_records_dropped_total", "Records dropped because they could not even be dead-lettered", "output", "reason");
        this.inFlightGauge = metrics.gauge("outrigger_output_batches_in_flight", "Batches sent and not yet answered or waiting to be retried", "output").labelValues(name);
        this.queueGauge = metrics.gauge("outrigger_output_queue_records", "Records queued for an output, not yet in a batch", "output").labelValues(name);
        this.latency = metrics.histogram("outrigger_output_send_duration_seconds", "Time from sending a batch to its answer",
                new double[] {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}, "output").labelValues(name);
    }

    public String name() { return name; }

    public Output output() { return output; }

    public synchronized void start() {
        if (batcher != null) return;
        budget.onExhausted(this::wake);
        batcher = Thread.ofPlatform().name("outrigger-output-" + name).daemon(true).start(this::runBatcher);
    }

    /**
     * Queues records whose {@code bytes} (the sum of their size estimates) were taken from the budget. Each
     * record's finalizer must hold one count for this output.
     */
    public void offer(List<LogRecord> records, long bytes) {
        if (records.isEmpty()) return;
        lock.lock();
        try {
            if (queue.isEmpty()) oldestQueuedNanos = System.nanoTime();
            queue.addAll(records);
            queuedBytes += bytes;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void runBatcher() {
        long maxWait = batchConfig.maxWait().toNanos();
        int maxRecords = batchConfig.maxRecords();
        long maxBytes = batchConfig.maxBytes().bytes();
        try {
            while (true) {
                List<LogRecord> cut;
                long cutBytes = 0;
                lock.lock();
                try {
                    while (queue.isEmpty() && !stopping) changed.await();
                    if (queue.isEmpty()) return;
                    long deadline = oldestQueuedNanos + maxWait;
                    while (!stopping && queue.size() < maxRecords && queuedBytes < maxBytes && !budget.exhausted()) {
                        long wait = deadline - System.nanoTime();
                        if (wait <= 0) break;
                        changed.awaitNanos(wait);
                    }
                    int n = Math.min(queue.size(), maxRecords);
                    cut = new ArrayList<>(n);
                    while (!queue.isEmpty() && cut.size() < maxRecords) {
                        LogRecord r = queue.peekFirst();
                        long size = r.sizeEstimate();
                        if (!cut.isEmpty() && cutBytes + size > maxBytes) break;
                        cut.add(queue.pollFirst());
                        cutBytes += size;
                    }
                    queuedBytes -= cutBytes;
                    cutPending = true;
                    if (!queue.isEmpty()) oldestQueuedNanos = System.nanoTime();
                    queueGauge.set(queue.size());
                } finally {
                    lock.unlock();
                }
                slots.acquire();
                inFlightGauge.set(inFlight.incrementAndGet());
                cutPending = false;
                dispatch(new Batch(cut, cutBytes, 1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void dispatch(Batch batch) {
        long start = System.nanoTime();
        batches.inc();
        CompletableFuture<SendResult> future;
        try {
            future = output.send(batch);
        } catch (RuntimeException e) {
            future = CompletableFuture.completedFuture(new SendResult.Retryable("output_error", e.toString()));
        }
        future.whenComplete((result, error) -> {
            latency.observe((System.nanoTime() - start) / 1e9);
            SendResult r = error != null ? new SendResult.Retryable("output_error", error.toString()) : result;
            try {
                handle(batch, r);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "output " + name + ": failed to handle a send result", e);
                finishSlot();
            }
        });
    }

    private void handle(Batch batch, SendResult result) {
        switch (result) {
            case SendResult.Delivered d -> {
                succeeded();
                acknowledge(batch.records());
                finishSlot();
            }
            case SendResult.Rejected rej -> {
                succeeded();
                reject(batch.records(), rej.reason(), rej.detail());
                finishSlot();
            }
            case SendResult.Retryable retry -> retryOrGiveUp(batch, batch.records(), retry);
            case SendResult.PerRecord per -> {
                List<SendResult> results = per.results();
                if (results.size() != batch.size()) {
                    retryOrGiveUp(batch, batch.records(), new SendResult.Retryable("output_error",
                            "output answered " + results.size() + " results for " + batch.size() + " records"));
                    return;
                }
                List<LogRecord> ok = new ArrayList<>();
                List<LogRecord> again = new ArrayList<>();
                Map<String, List<LogRecord>> refused = new LinkedHashMap<>();
                Map<String, String> refusedDetail = new LinkedHashMap<>();
                SendResult.Retryable firstRetry = null;
                for (int i = 0; i < results.size(); i++) {
                    LogRecord rec = batch.records().get(i);
                    switch (results.get(i)) {
                        case SendResult.Delivered d -> ok.add(rec);
                        case SendResult.Rejected rej -> {
                            refused.computeIfAbsent(rej.reason(), k -> new ArrayList<>()).add(rec);
                            refusedDetail.putIfAbsent(rej.reason(), rej.detail());
                        }
                        case SendResult.Retryable rt -> {
                            again.add(rec);
                            if (firstRetry == null) firstRetry = rt;
                        }
                        case SendResult.PerRecord p -> again.add(rec);
                    }
                }
                if (!ok.isEmpty() || !refused.isEmpty()) succeeded();
                acknowledge(ok);
                refused.forEach((reason, recs) -> reject(recs, reason, refusedDetail.get(reason)));
                if (again.isEmpty()) finishSlot();
                else retryOrGiveUp(batch, again, firstRetry != null ? firstRetry : new SendResult.Retryable("output_error", ""));
            }
        }
    }

    private void retryOrGiveUp(Batch batch, List<LogRecord> records, SendResult.Retryable retry) {
        failed(retry);
        int max = retryConfig.maxAttempts();
        if (max > 0 && batch.attempt() >= max) {
            reject(records, "retries_exhausted", retry.reason() + ": " + retry.detail());
            finishSlot();
            return;
        }
        retries.labelValues(name, retry.reason()).inc();
        Duration delay = backoff.delay(batch.attempt(), retry.retryAfter());
        Batch next = batch.retry(records);
        if (batch.attempt() == 1 || batch.attempt() % 10 == 0) {
            LOG.log(System.Logger.Level.WARNING, "output " + name + ": " + records.size() + " records not delivered ("
                    + retry.reason() + (retry.detail().isEmpty() ? "" : ": " + abbreviate(retry.detail()))
                    + "); attempt " + batch.attempt() + ", retrying in " + delay.toMillis() + "ms");
        }
        try {
            scheduler.schedule(() -> dispatch(next), delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // shutting down: the records stay unacknowledged, so their source reads them again after a restart
            finishSlot();
        }
    }

    private void acknowledge(List<LogRecord> records) {
        if (records.isEmpty()) return;
        recordsSent.inc(records.size());
        bytesSent.inc(done(records));
    }

    /** Releases the records' finalizers and gives their bytes back to the budget; returns the bytes. */
    private long done(List<LogRecord> records) {
        long bytes = 0;
        for (LogRecord r : records) {
            bytes += r.sizeEstimate();
            r.finalizer().release();
        }
        budget.release(bytes);
        return bytes;
    }

    private void reject(List<LogRecord> records, String reason, String detail) {
        if (records.isEmpty()) return;
        rejected.labelValues(name, reason).inc(records.size());
        if (deadLetters.write(name, records, reason, detail, clock.millis())) {
            deadLettered.inc(records.size());
        } else {
            dropped.labelValues(name, "dead_letter_failed").inc(records.size());
            LOG.log(System.Logger.Level.ERROR, "output " + name + ": " + records.size()
                    + " rejected records could not be written to dead letters (" + reason + "); they are dropped");
        }
        LOG.log(System.Logger.Level.WARNING, "output " + name + ": " + records.size() + " records rejected ("
                + reason + (detail.isEmpty() ? "" : ": " + abbreviate(detail)) + "); written to dead letters");
        done(records);
    }

    private static String abbreviate(String s) {
        String oneLine = s.replace('\n', ' ');
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine;
    }

    private void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void finishSlot() {
        inFlightGauge.set(inFlight.decrementAndGet());
        slots.release();
        wake();
    }

    private void succeeded() {
        everDelivered = true;
        consecutiveFailures.set(0);
    }

    private void failed(SendResult.Retryable retry) {
        consecutiveFailures.incrementAndGet();
        lastFailure = retry.reason();
    }

    /** For readiness: null while healthy, else why not ({@code "failing: connection"}). */
    public String problem() {
        if (consecutiveFailures.get() > 0) return "failing: " + lastFailure;
        if (!output.isHealthy()) return "unhealthy";
        return null;
    }

    public boolean everDelivered() { return everDelivered; }

    /** The batcher thread runs (or has not started, or ended because the runner is stopping). */
    public boolean isAlive() {
        Thread t = batcher;
        return t == null || t.isAlive() || stopping;
    }

    /** Nothing queued, cut or in flight; call with the lock held ({@link #cutPending} is read before the count). */
    private boolean quiet() {
        return queue.isEmpty() && !cutPending && inFlight.get() == 0;
    }

    /** Records queued plus batches in flight (for tests and shutdown). */
    public boolean idle() {
        lock.lock();
        try {
            return quiet();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends what is queued without waiting for {@code max_wait}, then waits until everything is answered or the
     * deadline ({@link System#nanoTime()}) passes. Returns true when all was delivered or dead-lettered.
     */
    public boolean drain(long deadlineNanos) throws InterruptedException {
        lock.lock();
        try {
            stopping = true;
            changed.signalAll();
            while (!quiet()) {
                long wait = deadlineNanos - System.nanoTime();
                if (wait <= 0) return false;
                changed.awaitNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Stops the batcher thread and closes the output. */
    public void close() {
        lock.lock();
        try {
            stopping = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        Thread t = batcher;
        if (t != null) t.interrupt();
        try {
            output.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "output " + name + ": close failed: " + e);
        }
    }
}
