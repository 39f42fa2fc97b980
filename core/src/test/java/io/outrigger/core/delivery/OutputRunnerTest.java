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
                ? new SendResult.Retryable("connection", "refused") : SendResult.DELIVERED);
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
        ScriptedOutput out = new ScriptedOutput(b -> new SendResult.Rejected("bad_request", "entry too far behind"));
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
                    new SendResult.Rejected("mapping", "mapper_parsing_exception"),
                    new SendResult.Retryable("http_429", "es_rejected_execution_exception")));
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
        ScriptedOutput out = new ScriptedOutput(b -> new SendResult.Retryable("server_error", "503"));
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
        ScriptedOutput out = new ScriptedOutput(b -> new SendResult.Retryable("connection", "refused"));
        OutputRunner r = runner(out, 100, 0);
        List<LogRecord> recs = records(2);
        r.offer(recs, bytes(recs));
        assertEquals(false, r.drain(System.nanoTime() + 200_000_000L));
        assertEquals(0, released.get(), "undelivered records are never acknowledged");
        assertTrue(r.problem().startsWith("failing: connection"));
        r.close();
    }
}
