package io.outrigger.outputs.loki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.config.ConfigModule;
import io.outrigger.core.delivery.DeadLetters;
import io.outrigger.core.delivery.MemoryBudget;
import io.outrigger.core.delivery.OutputRunner;
import io.outrigger.core.event.Labels;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.telemetry.Metrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Loki output behind the shared sender, against the Loki stand-in: what Loki stores, what is dead-lettered. */
class LokiDeliveryTest {

    private static final ObjectMapper MAPPER = ConfigModule.newMapper();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T08:00:00Z"));
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final Metrics metrics = Metrics.newIsolated();
    private final MemoryBudget budget = new MemoryBudget(64 << 20);
    private final List<AutoCloseable> closing = new ArrayList<>();
    @TempDir Path dir;

    @AfterEach void stop() throws Exception {
        for (AutoCloseable c : closing.reversed()) c.close();
        scheduler.shutdownNow();
    }

    private OutputRunner runner(LokiReceiver loki, String extraJson) throws Exception {
        String json = "{\"url\":\"" + loki.url() + "\",\"labels\":{\"job\":\"t\"},"
                + "\"retry\":{\"initial_backoff\":\"300ms\",\"max_backoff\":\"300ms\",\"jitter\":0}" + (extraJson.isEmpty() ? "" : "," + extraJson) + "}";
        LokiOutputConfig cfg = MAPPER.readValue(json, LokiOutputConfig.class);
        LokiOutputFactory f = new LokiOutputFactory();
        assertEquals(List.of(), f.validate(cfg));
        Output out = f.create(cfg, new ComponentContext("loki", metrics, clock, null, null, CheckpointStore.inMemory(), Map.of()));
        OutputRunner r = new OutputRunner("loki", out, cfg, budget, new DeadLetters(dir.resolve("dl"), 16 << 20), metrics,
                clock, scheduler, () -> 0.0);
        closing.add(r::close);
        r.start();
        return r;
    }

    private LogRecord rec(String app, Instant at, String message) {
        long nanos = at.getEpochSecond() * 1_000_000_000L + at.getNano();
        return LogRecord.builder().timeNanos(nanos).message(message).labels(Labels.of("app", app)).build();
    }

    private void offer(OutputRunner r, List<LogRecord> records) throws InterruptedException {
        long bytes = records.stream().mapToLong(LogRecord::sizeEstimate).sum();
        budget.acquire(bytes);
        r.offer(records, bytes);
    }

    private double counter(String name, String... labelValues) {
        return metrics.counter(name, "").labelValues(labelValues).get();
    }

    @Test void aMixedBatchDeadLettersOnlyTheEntriesLokiRefusedAndCountsWhatWasStored() throws Exception {
        try (LokiReceiver loki = LokiReceiver.builder().clock(clock).start()) {
            OutputRunner r = runner(loki, "\"batch\":{\"max_records\":100,\"max_wait\":\"50ms\"}");
            List<LogRecord> batch = new ArrayList<>();
            List<String> tooOld = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                // a backlog: every fifth line is older than Loki's reject_old_samples_max_age (168h)
                boolean old = i % 5 == 0;
                String line = (old ? "old-" : "line-") + i;
                if (old) tooOld.add(line);
                batch.add(rec("web", clock.instant().minus(old ? Duration.ofHours(200) : Duration.ofMinutes(1)).plusMillis(i), line));
            }
            offer(r, batch);
            assertTrue(r.drain(System.nanoTime() + 30_000_000_000L));

            List<String> stored = loki.lines("fake", Map.of("app", "web", "job", "t"));
            assertEquals(80, stored.size());
            assertTrue(stored.stream().noneMatch(l -> l.startsWith("old-")));
            List<String> dead = Files.readAllLines(dir.resolve("dl/loki.ndjson"));
            assertEquals(20, dead.size(), "only the refused entries are dead-lettered");
            for (int i = 0; i < dead.size(); i++) {
                assertTrue(dead.get(i).contains("\"message\":\"" + tooOld.get(i) + "\""), dead.get(i));
                assertTrue(dead.get(i).contains("timestamp too old"), "with Loki's message: " + dead.get(i));
                assertTrue(dead.get(i).contains("\"reason\":\"bad_request\""), dead.get(i));
            }
            assertEquals(80.0, counter("outrigger_output_records_sent_total", "loki"), "records_sent counts what Loki stored");
            // the first answer named Loki's oldest acceptable timestamp: the halves went without the too old entries
            assertTrue(loki.pushes().size() <= 3, loki.pushes().size() + " pushes");
            assertEquals(20.0, counter("outrigger_output_records_rejected_total", "loki", "bad_request"));
            assertEquals(0, budget.used());
        }
    }

    @Test void aPushOverTheBurstIsHalvedUntilItFitsAndASingleEntryOverItIsDeadLettered() throws Exception {
        // the bucket refills in real time (1 MB/s), so only a push over the burst (1000 bytes) keeps being refused
        try (LokiReceiver loki = LokiReceiver.builder().clock(java.time.InstantSource.system()).rateLimit(1_000_000, 1000).start()) {
            Instant now = Instant.now();
            OutputRunner r = runner(loki, "\"batch\":{\"max_records\":100,\"max_wait\":\"50ms\"},"
                    + "\"retry\":{\"initial_backoff\":\"1ms\",\"max_backoff\":\"1ms\",\"jitter\":0}");
            List<LogRecord> batch = new ArrayList<>();
            for (int i = 0; i < 40; i++) batch.add(rec("web", now.plusMillis(i), String.format("%099d", i)));
            batch.set(17, rec("web", now.plusMillis(17), "x".repeat(1500)));
            offer(r, batch);
            assertTrue(r.drain(System.nanoTime() + 30_000_000_000L));
            List<String> stored = loki.lines("fake", Map.of("app", "web", "job", "t"));
            assertEquals(39, stored.size(), "4000 bytes in pushes of at most 1000");
            List<String> dead = Files.readAllLines(dir.resolve("dl/loki.ndjson"));
            assertEquals(1, dead.size());
            assertTrue(dead.getFirst().contains("\"reason\":\"too_large\"") && dead.getFirst().contains("Ingestion rate limit exceeded"), dead.getFirst());
            assertTrue(loki.pushes().stream().filter(p -> p.status() == 204).allMatch(p -> p.entryCount() <= 10));
        }
    }

    @Test void duringAnOutageNoLaterBatchOvertakesTheOneWaitingForItsRetry() throws Exception {
        try (LokiReceiver loki = LokiReceiver.builder().clock(clock).start()) {
            OutputRunner r = runner(loki, "\"concurrency\":2,\"batch\":{\"max_records\":10,\"max_wait\":\"1ms\"}");
            List<LogRecord> records = new ArrayList<>();
            for (int i = 0; i < 300; i++) records.add(rec("web", clock.instant().plusMillis(i), "line-" + i));
            // Loki fails the third push and the one after (an outage mid-stream), with backoff 300ms
            loki.passNext(2);
            loki.failNext(503, "ingester unavailable", null);
            loki.failNext(503, "ingester unavailable", null);
            offer(r, records);
            assertTrue(r.drain(System.nanoTime() + 30_000_000_000L));

            List<String> stored = loki.lines("fake", Map.of("app", "web", "job", "t"));
            assertEquals(300, stored.size());
            // the batches Loki failed: stored only by their retry, and no batch sent after the failure answer may
            // land before that retry. With concurrency 2 the one other batch already in flight may (10 lines); pushes
            // in flight at once may land in either order anyway (Loki accepts unordered writes), so the order of the
            // batches that never failed is not what this test is about.
            List<List<String>> failed = loki.pushes().stream().filter(p -> p.status() == 503)
                    .map(p -> p.streams().stream().flatMap(st -> st.entries().stream()).map(LokiReceiver.Entry::line).toList())
                    .toList();
            assertEquals(2, failed.size());
            for (List<String> batch : failed) {
                int first = batch.stream().mapToInt(LokiDeliveryTest::lineNumber).min().orElseThrow();
                int last = batch.stream().mapToInt(LokiDeliveryTest::lineNumber).max().orElseThrow();
                int at = stored.indexOf("line-" + first);
                long overtaking = stored.subList(0, at).stream().filter(l -> lineNumber(l) > last).count();
                assertTrue(overtaking <= 10, overtaking + " later lines were stored before the retry of lines " + first
                        + ".." + last + ": " + stored);
            }
            assertEquals(2.0, counter("outrigger_output_retries_total", "loki", "server_error"));
        }
    }

    private static int lineNumber(String line) { return Integer.parseInt(line.substring(5)); }

    @Test void maxBytesIsTheSizeOfThePushNotOfTheRecordsInMemory() throws Exception {
        try (LokiReceiver loki = LokiReceiver.builder().clock(clock).start()) {
            OutputRunner r = runner(loki, "\"batch\":{\"max_records\":100000,\"max_bytes\":\"16KiB\",\"max_wait\":\"20ms\"}");
            List<LogRecord> records = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                records.add(rec("web", clock.instant().plusMillis(i), "GET /api/items/" + i + " 200 " + "x".repeat(60 + i % 40)));
            }
            offer(r, records);
            assertTrue(r.drain(System.nanoTime() + 30_000_000_000L));
            assertEquals(3000, loki.lines("fake", Map.of("app", "web", "job", "t")).size());
            List<Integer> lineBytes = loki.pushes().stream()
                    .map(p -> p.streams().stream().flatMap(st -> st.entries().stream()).mapToInt(e -> e.line().length()).sum())
                    .toList();
            // never over max_bytes; the first pushes (cut before the first answer) by the in-memory estimate, much
            // smaller; then by the encoded size, close to max_bytes (the estimate alone gave 4.4 KiB of lines per push here)
            assertTrue(lineBytes.stream().allMatch(b -> b <= 16 * 1024), lineBytes.toString());
            List<Integer> sorted = lineBytes.stream().sorted().toList();
            assertTrue(sorted.get(sorted.size() / 2) > 12 * 1024, "median push " + sorted.get(sorted.size() / 2) + ": " + lineBytes);
        }
    }
}
