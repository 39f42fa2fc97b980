package io.outrigger.core.delivery;

import io.outrigger.core.config.BatchConfig;
import io.outrigger.core.config.OutputSettings;
import io.outrigger.core.config.RetryConfig;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.pipeline.Batch;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.Reason;
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
import java.util.TreeMap;
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
    /** The output keeps order ({@link Output#keepsOrder()}): a batch waiting for a retry holds back later ones. */
    private final boolean ordered;
    /** Ordered outputs: the jobs not yet finished, by cut order; guarded by {@link #lock}. */
    private final TreeMap<Long, Job> open = new TreeMap<>();
    /** Ordered outputs: jobs that failed and are not finished; while above 0 no new batch is sent. */
    private int failingJobs;
    private long nextSeq;
    /**
     * Encoded bytes per byte of size estimate, learnt from what the output reports ({@link Batch#encoded}), so a
     * batch is cut at {@code batch.max_bytes} of encoded request body, not of the in-memory estimate. 1 until the
     * first report (the estimate is larger than the encoding, so the first batches are smaller, never larger).
     */
    private volatile double wirePerEstimate = 1.0;
    private volatile boolean wireRatioLearnt;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private volatile Reason lastFailure;
    private volatile boolean everDelivered;
    private Thread batcher;

    private final CounterDataPoint recordsSent;
    private final CounterDataPoint bytesSent;
    private final CounterDataPoint batches;
    private final Counter retries;
    private final Counter rejected;
    private final CounterDataPoint deadLettered;
    private final CounterDataPoint splits;
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
        this.ordered = output.keepsOrder();
        this.recordsSent = metrics.counter("outrigger_output_records_sent_total", "Records an output delivered", "output").labelValues(name);
        this.bytesSent = metrics.counter("outrigger_output_bytes_sent_total", "Estimated bytes of records an output delivered", "output").labelValues(name);
        this.batches = metrics.counter("outrigger_output_batches_total", "Batches an output sent, retries included", "output").labelValues(name);
        this.retries = metrics.counter("outrigger_output_retries_total", "Batches or records scheduled for another try, by reason", "output", "reason");
        this.rejected = metrics.counter("outrigger_output_records_rejected_total", "Records refused for good (dead-lettered), by reason", "output", "reason");
        for (Reason r : Reason.values()) { // every series exists from the start at 0
            if (r.retried()) retries.labelValues(name, r.label());
            else rejected.labelValues(name, r.label());
        }
        this.splits = metrics.counter("outrigger_output_batch_splits_total",
                "Batches sent again in two halves (too large, or some records refused without saying which)", "output").labelValues(name);
        this.deadLettered = metrics.counter("outrigger_output_records_dead_lettered_total", "Records written to the dead-letter file", "output").labelValues(name);
        this.dropped = metrics.counter("outrigger_output_records_dropped_total", "Records dropped because they could not even be dead-lettered", "output", "reason");
        dropped.labelValues(name, "dead_letter_failed");
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
                Job job;
                lock.lock();
                try {
                    while (heldBack() || (queue.isEmpty() && !stopping)) changed.await();
                    if (queue.isEmpty()) return;
                    long deadline = oldestQueuedNanos + maxWait;
                    long maxEstimate = maxEstimateBytes(maxBytes);
                    while (!stopping && queue.size() < maxRecords && queuedBytes < maxEstimate && !budget.exhausted()) {
                        long wait = deadline - System.nanoTime();
                        if (wait <= 0) break;
                        changed.awaitNanos(wait);
                    }
                    int n = Math.min(queue.size(), maxRecords);
                    cut = new ArrayList<>(n);
                    while (!queue.isEmpty() && cut.size() < maxRecords) {
                        LogRecord r = queue.peekFirst();
                        long size = r.sizeEstimate();
                        if (!cut.isEmpty() && cutBytes + size > maxEstimate) break;
                        cut.add(queue.pollFirst());
                        cutBytes += size;
                    }
                    queuedBytes -= cutBytes;
                    cutPending = true;
                    job = new Job(nextSeq++);
                    if (ordered) open.put(job.seq, job);
                    if (!queue.isEmpty()) oldestQueuedNanos = System.nanoTime();
                    queueGauge.set(queue.size());
                } finally {
                    lock.unlock();
                }
                slots.acquire();
                if (ordered) {
                    // a batch cut before an earlier one failed waits here too, until the failed ones went through
                    lock.lock();
                    try {
                        while (failingJobs > 0) changed.await();
                    } finally {
                        lock.unlock();
                    }
                }
                inFlightGauge.set(inFlight.incrementAndGet());
                cutPending = false;
                dispatch(job, new Batch(cut, cutBytes, 1), job::finish);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One batch cut from the queue, from its first send until every record of it is delivered or dead-lettered
     * (through retries and halves): it holds one of the {@code concurrency} slots meanwhile.
     */
    private final class Job {
        final long seq;
        /** Set once the job has failed (its slot stays taken); for ordered outputs it then holds back new batches. */
        boolean failing;
        /** An ordered output's retry waiting for the earlier jobs to finish; null when none. */
        Runnable parked;
        private final java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();

        Job(long seq) { this.seq = seq; }

        void finish() {
            if (!finished.compareAndSet(false, true)) return;
            Runnable next = null;
            lock.lock();
            try {
                if (failing) failingJobs--;
                if (ordered) {
                    open.remove(seq);
                    Map.Entry<Long, Job> first = open.firstEntry();
                    if (first != null && first.getValue().parked != null) {
                        next = first.getValue().parked;
                        first.getValue().parked = null;
                    }
                }
            } finally {
                lock.unlock();
            }
            finishSlot();
            // the earlier batch went through: the one waiting behind it goes now, without its backoff
            if (next != null) schedule(this, next, Duration.ZERO);
        }
    }

    private void dispatch(Job job, Batch batch, Runnable then) {
        long start = System.nanoTime();
        batches.inc();
        java.util.concurrent.atomic.LongAdder encoded = new java.util.concurrent.atomic.LongAdder();
        CompletableFuture<SendResult> future;
        try {
            future = output.send(batch.meteredBy(encoded::add));
        } catch (RuntimeException e) {
            future = CompletableFuture.completedFuture(new SendResult.Retryable(Reason.INTERNAL, e.toString()));
        }
        future.whenComplete((result, error) -> {
            latency.observe((System.nanoTime() - start) / 1e9);
            learnWireRatio(encoded.sum(), batch.bytes());
            SendResult r = error != null ? new SendResult.Retryable(Reason.INTERNAL, error.toString()) : result;
            try {
                handle(job, batch, r, then);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "output " + name + ": failed to handle a send result", e);
                job.finish();
            }
        });
    }

    private void handle(Job job, Batch batch, SendResult result, Runnable then) {
        switch (result) {
            case SendResult.Delivered d -> {
                succeeded();
                acknowledge(batch.records());
                then.run();
            }
            case SendResult.Rejected rej -> {
                succeeded();
                reject(batch.records(), rej.reason(), rej.detail());
                then.run();
            }
            case SendResult.Retryable retry -> retryOrGiveUp(job, batch, batch.records(), retry, then);
            case SendResult.Split split -> split(job, batch, batch.records(), split, then);
            case SendResult.PerRecord per -> {
                List<SendResult> results = per.results();
                if (results.size() != batch.size()) {
                    retryOrGiveUp(job, batch, batch.records(), new SendResult.Retryable(Reason.INTERNAL,
                            "output answered " + results.size() + " results for " + batch.size() + " records"), then);
                    return;
                }
                List<LogRecord> ok = new ArrayList<>();
                List<LogRecord> again = new ArrayList<>();
                List<LogRecord> halve = new ArrayList<>();
                Map<Reason, List<LogRecord>> refused = new LinkedHashMap<>();
                Map<Reason, String> refusedDetail = new LinkedHashMap<>();
                SendResult.Retryable firstRetry = null;
                SendResult.Split firstSplit = null;
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
                        case SendResult.Split sp -> {
                            halve.add(rec);
                            if (firstSplit == null) firstSplit = sp;
                        }
                        case SendResult.PerRecord p -> again.add(rec);
                    }
                }
                if (!ok.isEmpty() || !refused.isEmpty()) succeeded();
                acknowledge(ok);
                refused.forEach((reason, recs) -> reject(recs, reason, refusedDetail.get(reason)));
                SendResult.Retryable retry = firstRetry != null ? firstRetry : new SendResult.Retryable(Reason.INTERNAL, "");
                Runnable afterHalves = again.isEmpty() ? then : () -> retryOrGiveUp(job, batch, again, retry, then);
                if (halve.isEmpty()) afterHalves.run();
                else split(job, batch, halve, firstSplit, afterHalves);
            }
        }
    }

    /**
     * Sends {@code records} again in two halves, the second after the first is done (so order is kept); a single
     * record is rejected with the answer's reason and the server's words.
     */
    private void split(Job job, Batch batch, List<LogRecord> records, SendResult.Split answer, Runnable then) {
        if (records.size() == 1) {
            succeeded();
            reject(records, answer.reason(), answer.detail());
            then.run();
            return;
        }
        splits.inc();
        int mid = records.size() / 2;
        Batch first = batch.part(records.subList(0, mid));
        Batch second = batch.part(records.subList(mid, records.size()));
        dispatch(job, first, () -> dispatch(job, second, then));
    }

    private void retryOrGiveUp(Job job, Batch batch, List<LogRecord> records, SendResult.Retryable retry, Runnable then) {
        failed(retry);
        int max = retryConfig.maxAttempts();
        if (max > 0 && batch.attempt() >= max) {
            reject(records, Reason.RETRIES_EXHAUSTED, retry.reason() + ": " + retry.detail());
            then.run();
            return;
        }
        retries.labelValues(name, retry.reason().label()).inc();
        Duration delay = backoff.delay(batch.attempt(), retry.retryAfter());
        Batch next = batch.retry(records);
        if (batch.attempt() == 1 || batch.attempt() % 10 == 0) {
            LOG.log(System.Logger.Level.WARNING, "output " + name + ": " + records.size() + " records not delivered ("
                    + retry.reason() + (retry.detail().isEmpty() ? "" : ": " + abbreviate(retry.detail()))
                    + "); attempt " + batch.attempt() + ", retrying in " + delay.toMillis() + "ms");
        }
        Runnable resend = () -> dispatch(job, next, then);
        if (ordered) {
            lock.lock();
            try {
                if (!job.failing) {
                    job.failing = true;
                    failingJobs++;
                }
                // only the oldest unfinished batch is sent again; a later one waits behind it (see class doc)
                if (open.firstKey() != job.seq) {
                    job.parked = resend;
                    return;
                }
            } finally {
                lock.unlock();
            }
        }
        schedule(job, resend, delay);
    }

    private void schedule(Job job, Runnable resend, Duration delay) {
        try {
            scheduler.schedule(resend, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // shutting down: the records stay unacknowledged, so their source reads them again after a restart
            job.finish();
        }
    }

    /**
     * A batch's limit in estimate bytes: {@code batch.max_bytes} of encoded bytes at the learnt ratio, and at most
     * the memory budget over {@code max(2, concurrency)}: one batch holding the whole budget would make reading and
     * sending take turns. With the budget sized by default (the outputs' {@code concurrency} times their
     * {@code max_bytes}) that is the batch the estimate alone cut before; a larger {@code buffer.max_bytes} lets
     * batches reach {@code max_bytes} on the wire.
     */
    private long maxEstimateBytes(long maxBytes) {
        double ratio = wirePerEstimate;
        long byWire = ratio <= 0 ? maxBytes : (long) Math.min(Long.MAX_VALUE / 2.0, maxBytes / ratio);
        return Math.max(1, Math.min(byWire, budget.max() / Math.max(2, concurrency)));
    }

    /** Moves {@link #wirePerEstimate} towards what one send encoded (nothing when the output did not say). */
    private void learnWireRatio(long encodedBytes, long estimatedBytes) {
        if (encodedBytes <= 0 || estimatedBytes <= 0) return;
        double r = (double) encodedBytes / estimatedBytes;
        wirePerEstimate = wireRatioLearnt ? 0.7 * wirePerEstimate + 0.3 * r : r;
        wireRatioLearnt = true;
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

    private void reject(List<LogRecord> records, Reason reason, String detail) {
        if (records.isEmpty()) return;
        rejected.labelValues(name, reason.label()).inc(records.size());
        if (deadLetters.write(name, records, reason.label(), detail, clock.millis())) {
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

    /**
     * For readiness, the one health rule for every output: null while the last answer was not a failure, else why
     * not ({@code "failing: connection"}, {@code "failing: auth"}) until a send succeeds again.
     */
    public String problem() {
        Reason last = lastFailure;
        if (consecutiveFailures.get() > 0 && last != null) return "failing: " + last.label();
        return null;
    }

    /** Ordered outputs: a failed batch is waiting for its retry, so no new batch is sent; call with the lock held. */
    private boolean heldBack() {
        return ordered && failingJobs > 0 && !queue.isEmpty();
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
