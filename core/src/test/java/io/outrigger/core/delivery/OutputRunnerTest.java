package io.outrigger.core.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.config.BatchConfig;
import io.outrigger.core.config.ByteSize;
import io.outrigger.core.config.OutputSettings;
import io.outrigger.core.config.RetryConfig;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Origin;
import io.outrigger.core.pipeline.Batch;
import io.outrigger.core.pipeline.Finalizer;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.Reason;
import io.outrigger.core.pipeline.SendResult;
import io.outrigger.core.telemetry.Metrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputRunnerTest {

    @TempDir Path dataDir;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final Metrics metrics = Metrics.newIsolated();
    private final MemoryBudget budget = new MemoryBudget(1 << 20);
    private final AtomicInteger released = new AtomicInteger();
    private final Finalizer counting = new Finalizer() {
        @Override public void retain(int count) {}
        @Override public void release() { released.incrementAndGet(); }
    };

    @AfterEach
    void stop() { scheduler.shutdownNow(); }

    private record Settings(BatchConfig batch, RetryConfig retry, Integer concurrency) implements OutputSettings {}

    private static final class ScriptedOutput implements Output {
        final List<Batch> sent = new CopyOnWriteArrayList<>();
        final Function<Batch, SendResult> answer;

        ScriptedOutput(Function<Batch, SendResult> answer) { this.answer = answer; }

        @Override public CompletableFuture<SendResult> send(Batch batch) {
            sent.add(batch);
            return CompletableFuture.completedFuture(answer.apply(batch));
        }
    }

    private OutputRunner runner(Output out, int maxRecords, int maxAttempts) {
        Settings s = new Settings(new BatchConfig(maxRecords, ByteSize.ofMiB(1), Duration.ofMillis(20)),
                new RetryConfig(Duration.ofMillis(1), Duration.ofMillis(5), 0.0, maxAttempts, null), 1);
        OutputRunner r = new OutputRunner("out", out, s, budget, new DeadLetters(dataDir.resolve("dl"), 1 << 20),
                metrics, InstantSource.system(), scheduler, () -> 0.0);
        r.start();
        return r;
    }

    private List<LogRecord> records(int n) throws InterruptedException {
        List<LogRecord> list = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            LogRecord r = LogRecord.of(i, "line " + i, new Origin("in", "/f", "1:1", i * 10L, i * 10L + 10), counting, 0);
            list.add(r);
            bytes += r.sizeEstimate();
        }
        budget.acquire(bytes);
        return list;
    }

    private static long bytes(List<LogRecord> records) {
        return records.stream().mapToLong(LogRecord::sizeEstimate).sum();
    }

    @Test
    void batchesByCountAcknowledgesAndGivesBytesBack() throws Exception {
        ScriptedOutput out = new ScriptedOutput(b -> SendResult.DELIVERED);
        OutputRunner r = runner(out, 4, 0);
        List<LogRecord> recs = records(10);
        r.offer(recs, bytes(recs));
        assertTrue(r.drain(System.nanoTime() + 5_000_000_000L));
        assertEquals(10, released.get());
        assertEquals(0, budget.used());
        assertEquals(List.of(4, 4, 2), out.sent.stream().map(Batch::size).toList());
        assertEquals("line 0", out.sent.getFirst().records().getFirst().message(), "order is kept");
    }

    @Test
    void anExhaustedBudgetSendsAPartialBatchWithoutWaitingForMaxWait() throws Exception {
        ScriptedOutput out = new ScriptedOutput(b -> SendResult.DELIVERED);
        Settings s = new Settings(new BatchConfig(1000, ByteSize.ofMiB(1), Duration.ofHours(1)), RetryConfig.DEFAULT, 1);
        OutputRunner r = new OutputRunner("out", out, s, budget, new DeadLetters(dataDir.resolve("dl"), 1 << 20),
                metrics, InstantSource.system(), scheduler, () -> 0.0);
        r.start();
        List<LogRecord> recs = records(10);
        r.offer(recs, bytes(recs));
        Thread.sleep(50);
        assertEquals(0, out.sent.size(), "a partial batch waits for max_wait while there is room");

        // an input now needs more room than is free: only sending the held records can make it
        long want = budget.max() - budget.used() + 1;
        Thread input = Thread.ofPlatform().start(() -> {
            try {
                budget.acquire(want);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        input.join(10_000);
        assertEquals(Thread.State.TERMINATED, input.getState(), "the input got its room without waiting an hour");
        assertEquals(List.of(10), out.sent.stream().map(Batch::size).toList());
        assertEquals(10, released.get());
        budget.release(want);
    }

    @Test
    void retriesUntilDeliveredWithoutAcknowledgingEarly() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        ScriptedOutput out = new ScriptedOutput(b -> calls.incrementAndGet() < 4
                ? new SendResult.Retryable(Reason.CONNECTION, "refused") : SendResult.DELIVERED);
        OutputRunner r = runner(out, 100, 0);
        List<LogRecord> recs = records(3);
        r.offer(recs, bytes(recs));
        assertTrue(r.drain(System.nanoTime() + 5_000_000_000L));
        assertEquals(4, out.sent.size());
        assertEquals(List.of(1, 2, 3, 4), out.sent.stream().map(Batch::attempt).toList());
        assertEquals(3, released.get());
        assertEquals(0, budget.used());
    }

    @Test
    void rejectedRecordsGoToDeadLettersAndAreAcknowledged() throws Exception {
        ScriptedOutput out = new ScriptedOutput(b -> new SendResult.Rejected(Reason.BAD_REQUEST, "entry too far behind"));
        OutputRunner r = runner(out, 100, 0);
        List<LogRecord> recs = records(2);
        r.offer(recs, bytes(recs));
        assertTrue(r.drain(System.nanoTime() + 5_000_000_000L));
        assertEquals(2, released.get());
        List<String> lines = Files.readAllLines(dataDir.resolve("dl/out.ndjson"));
        assertEquals(2, lines.size());
        assertTrue(lines.getFirst().contains("\"reason\":\"bad_request\""));
        assertTrue(lines.getFirst().contains("entry too far behind"));
        assertTrue(lines.getFirst().contains("\"message\":\"line 0\""));
        assertEquals(1, out.sent.size(), "never retried");
    }

    @Test
    void perRecordAnswersRetryOnlyTheRetryableOnes() throws Exception {
        ScriptedOutput out = new ScriptedOutput(b -> {
            if (b.attempt() > 1) return SendResult.DELIVERED;
            return new SendResult.PerRecord(List.of(SendResult.DELIVERED,
                    new SendResult.Rejected(Reason.BAD_REQUEST, "mapper_parsing_exception"),
                    new SendResult.Retryable(Reason.RATE_LIMITED, "es_rejected_execution_exception")));
        });
        OutputRunner r = runner(out, 100, 0);
        List<LogRecord> recs = records(3);
        r.offer(recs, bytes(recs));
        assertTrue(r.drain(System.nanoTime() + 5_000_000_000L));
        assertEquals(2, out.sent.size());
        assertEquals(List.of("line 2"), out.sent.get(1).records().stream().map(LogRecord::message).toList());
        assertEquals(3, released.get());
        assertEquals(1, Files.readAllLines(dataDir.resolve("dl/out.ndjson")).size());
        assertEquals(0, budget.used());
    }

    @Test
    void giveUpAfterMaxAttemptsGoesToDeadLetters() throws Exception {
        ScriptedOutput out = new ScriptedOutput(b -> new SendResult.Retryable(Reason.SERVER_ERROR, "503"));
        OutputRunner r = runner(out, 100, 3);
        List<LogRecord> recs = records(1);
        r.offer(recs, bytes(recs));
        assertTrue(r.drain(System.nanoTime() + 5_000_000_000L));
        assertEquals(3, out.sent.size());
        assertTrue(Files.readString(dataDir.resolve("dl/out.ndjson")).contains("retries_exhausted"));
        assertEquals(1, released.get());
    }

    @Test
    void drainGivesUpAtTheDeadlineWithoutAcknowledging() throws Exception {
        ScriptedOutput out = new ScriptedOutput(b -> new SendResult.Retryable(Reason.CONNECTION, "refused"));
        OutputRunner r = runner(out, 100, 0);
        List<LogRecord> recs = records(2);
        r.offer(recs, bytes(recs));
        assertEquals(false, r.drain(System.nanoTime() + 200_000_000L));
        assertEquals(0, released.get(), "undelivered records are never acknowledged");
        assertTrue(r.problem().startsWith("failing: connection"));
        r.close();
    }

    @Test
    void aSplitAnswerHalvesTheBatchDownToTheRefusedRecordsAndDeadLettersOnlyThem() throws Exception {
        // like Loki: a push holding "line 5" or "line 6" is refused as a whole (the others stored), alone they are refused
        ScriptedOutput out = new ScriptedOutput(b -> b.records().stream().anyMatch(r -> r.message().equals("line 5") || r.message().equals("line 6"))
                ? new SendResult.Split(Reason.BAD_REQUEST, "entry has timestamp too old") : SendResult.DELIVERED);
        OutputRunner r = runner(out, 100, 0);
        List<LogRecord> recs = records(16);
        r.offer(recs, bytes(recs));
        assertTrue(r.drain(System.nanoTime() + 5_000_000_000L));
        assertEquals(16, released.get());
        assertEquals(0, budget.used());
        List<String> lines = Files.readAllLines(dataDir.resolve("dl/out.ndjson"));
        assertEquals(2, lines.size(), "only the two refused records are dead-lettered");
        assertTrue(lines.getFirst().contains("\"message\":\"line 5\"") && lines.getFirst().contains("timestamp too old"));
        assertTrue(lines.get(1).contains("\"message\":\"line 6\""));
        assertEquals(14.0, counter("outrigger_output_records_sent", "output", "out"), "records_sent counts what was stored");
        // the halves go one after the other, in order, so every record is sent in its original order
        List<String> firstSends = new ArrayList<>();
        for (Batch b : out.sent) for (LogRecord x : b.records()) if (!firstSends.contains(x.message())) firstSends.add(x.message());
        assertEquals(recs.stream().map(LogRecord::message).toList(), firstSends);
        assertTrue(out.sent.stream().allMatch(b -> b.attempt() == 1), "a half is not a retry");
    }

    @Test
    void tooLargeIsSplitDownToOneRecordThenRejectedWithTheServersReason() throws Exception {
        ScriptedOutput out = new ScriptedOutput(b -> b.size() > 2 || b.records().stream().anyMatch(x -> x.message().equals("line 3"))
                ? new SendResult.Split(Reason.TOO_LARGE, "HTTP 413: request entity too large") : SendResult.DELIVERED);
        OutputRunner r = runner(out, 100, 0);
        List<LogRecord> recs = records(8);
        r.offer(recs, bytes(recs));
        assertTrue(r.drain(System.nanoTime() + 5_000_000_000L));
        assertEquals(8, released.get());
        List<String> lines = Files.readAllLines(dataDir.resolve("dl/out.ndjson"));
        assertEquals(1, lines.size());
        assertTrue(lines.getFirst().contains("\"reason\":\"too_large\"") && lines.getFirst().contains("HTTP 413"));
        assertTrue(lines.getFirst().contains("\"message\":\"line 3\""));
    }

    @Test
    void aReasonIsEitherRetriedOrRejectedNeverBoth() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new SendResult.Rejected(Reason.AUTH, "401"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new SendResult.Retryable(Reason.TOO_LARGE, "413"));
    }

    @Test
    void countersWithAKnownLabelSetStartAtZero() {
        runner(new ScriptedOutput(b -> SendResult.DELIVERED), 10, 0);
        assertEquals(0.0, counter("outrigger_output_retries", "output", "out", "reason", "auth"));
        assertEquals(0.0, counter("outrigger_output_retries", "output", "out", "reason", "connection"));
        assertEquals(0.0, counter("outrigger_output_records_rejected", "output", "out", "reason", "bad_request"));
        assertEquals(0.0, counter("outrigger_output_records_dropped", "output", "out", "reason", "dead_letter_failed"));
    }

    /** The value of a counter series ({@code name} without {@code _total}), or null when the series does not exist. */
    private Double counter(String name, String... labels) {
        for (var m : metrics.registry().scrape()) {
            if (!m.getMetadata().getName().equals(name)) continue;
            for (var d : m.getDataPoints()) {
                boolean match = true;
                for (int i = 0; i < labels.length; i += 2) match &= labels[i + 1].equals(d.getLabels().get(labels[i]));
                if (match) return ((io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot) d).getValue();
            }
        }
        return null;
    }

    /** An ordered output answering from a script, concurrently: each send completes when the test says so. */
    private static final class ManualOutput implements Output {
        final List<Batch> sent = new CopyOnWriteArrayList<>();
        final java.util.concurrent.LinkedBlockingQueue<CompletableFuture<SendResult>> pending = new java.util.concurrent.LinkedBlockingQueue<>();
        final List<String> delivered = new CopyOnWriteArrayList<>();

        @Override public CompletableFuture<SendResult> send(Batch batch) {
            sent.add(batch);
            CompletableFuture<SendResult> f = new CompletableFuture<>();
            pending.add(f);
            return f.thenApply(r -> {
                if (r instanceof SendResult.Delivered) batch.records().forEach(x -> delivered.add(x.message()));
                return r;
            });
        }

        @Override public boolean keepsOrder() { return true; }
    }

    @Test
    void anOrderedOutputHoldsBackLaterBatchesWhileOneWaitsForItsRetry() throws Exception {
        ManualOutput out = new ManualOutput();
        Settings s = new Settings(new BatchConfig(2, ByteSize.ofMiB(1), Duration.ofMillis(1)),
                new RetryConfig(Duration.ofMillis(200), Duration.ofMillis(200), 0.0, 0, null), 2);
        OutputRunner r = new OutputRunner("out", out, s, budget, new DeadLetters(dataDir.resolve("dl"), 1 << 20),
                metrics, InstantSource.system(), scheduler, () -> 0.0);
        r.start();
        List<LogRecord> recs = records(8);
        r.offer(recs, bytes(recs));
        // batches A (0,1) and B (2,3) go out at once (concurrency 2); the server fails A, then B
        CompletableFuture<SendResult> a = out.pending.poll(5, java.util.concurrent.TimeUnit.SECONDS);
        CompletableFuture<SendResult> b = out.pending.poll(5, java.util.concurrent.TimeUnit.SECONDS);
        a.complete(new SendResult.Retryable(Reason.CONNECTION, "refused"));
        b.complete(new SendResult.Retryable(Reason.CONNECTION, "refused"));
        // the first thing sent again is A's retry: B's retry and the new batch C wait behind it
        CompletableFuture<SendResult> next = out.pending.poll(5, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(List.of("line 0", "line 1"), out.sent.getLast().records().stream().map(LogRecord::message).toList());
        Thread.sleep(300);
        assertEquals(3, out.sent.size(), "nothing else is sent while A waits: " + out.sent);
        next.complete(SendResult.DELIVERED);
        // then B's retry, then the rest, answered as they come
        while (out.delivered.size() < 8) {
            CompletableFuture<SendResult> f = out.pending.poll(5, java.util.concurrent.TimeUnit.SECONDS);
            if (f == null) break;
            f.complete(SendResult.DELIVERED);
        }
        assertTrue(r.drain(System.nanoTime() + 5_000_000_000L));
        assertEquals(recs.stream().map(LogRecord::message).toList(), out.delivered, "delivered in order");
        assertEquals(List.of("line 2", "line 3"), out.sent.get(3).records().stream().map(LogRecord::message).toList());
        assertEquals(2, out.sent.get(3).attempt());
    }

    @Test
    void readinessComesFromTheAnswersAlone() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        ScriptedOutput out = new ScriptedOutput(b -> calls.incrementAndGet() == 1
                ? new SendResult.Retryable(Reason.AUTH, "HTTP 401") : SendResult.DELIVERED);
        OutputRunner r = runner(out, 100, 0);
        assertEquals(null, r.problem());
        List<LogRecord> recs = records(1);
        r.offer(recs, bytes(recs));
        assertTrue(r.drain(System.nanoTime() + 5_000_000_000L));
        assertEquals(null, r.problem(), "ready again after a delivery");
        assertEquals(1.0, counter("outrigger_output_retries", "output", "out", "reason", "auth"));
        assertTrue(!Files.exists(dataDir.resolve("dl/out.ndjson")), "auth failures are never dead-lettered");
    }

    @Test
    void maxBytesCountsWhatTheOutputEncodedNotTheInMemoryEstimate() throws Exception {
        // the output encodes each record into a quarter of its size estimate (as JSON lines are to their heap size)
        ScriptedOutput out = new ScriptedOutput(b -> {
            b.encoded(b.bytes() / 4);
            return SendResult.DELIVERED;
        });
        List<LogRecord> recs = records(2000);
        long each = recs.getFirst().sizeEstimate();
        long maxBytes = 40 * each / 4; // 40 records' encoded size
        Settings s = new Settings(new BatchConfig(100_000, ByteSize.ofBytes(maxBytes), Duration.ofMillis(5)),
                new RetryConfig(Duration.ofMillis(1), Duration.ofMillis(5), 0.0, 0, null), 1);
        OutputRunner r = new OutputRunner("out", out, s, budget, new DeadLetters(dataDir.resolve("dl"), 1 << 20),
                metrics, InstantSource.system(), scheduler, () -> 0.0);
        r.start();
        r.offer(recs, bytes(recs));
        assertTrue(r.drain(System.nanoTime() + 5_000_000_000L));
        List<Integer> sizes = out.sent.stream().map(Batch::size).toList();
        assertEquals(10, sizes.getFirst(), "before the first report, estimate bytes count: " + sizes);
        for (int i = 1; i < sizes.size() - 1; i++) {
            long encoded = out.sent.get(i).bytes() / 4;
            assertTrue(encoded <= maxBytes && encoded > maxBytes * 9 / 10, "then encoded bytes: " + encoded + " of " + maxBytes + " " + sizes);
        }
    }
}
