package io.outrigger.it.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.config.ConfigModule;
import io.outrigger.core.delivery.DeadLetters;
import io.outrigger.core.delivery.MemoryBudget;
import io.outrigger.core.delivery.OutputRunner;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.telemetry.Metrics;
import io.outrigger.it.servers.KafkaServer;
import io.outrigger.outputs.kafka.KafkaOutputConfig;
import io.outrigger.outputs.kafka.KafkaOutputFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's order under retries, against a real broker: with {@code concurrency: 2}, the broker stopped mid-stream
 * and restarted, no batch sent after a failed one may reach the partition before that one's retry.
 */
class KafkaOrderUnderOutageTest {

    private static KafkaServer kafka;
    @TempDir Path dir;

    @BeforeAll static void startKafka() { kafka = KafkaServer.start(); }

    @AfterAll static void stopKafka() {
        if (kafka != null) kafka.close();
    }

    @Test void aBatchWaitingForItsRetryHoldsBackTheLaterBatchesOfItsPartition() throws Exception {
        kafka.createTopic("order", 1);
        KafkaOutputConfig c = ConfigModule.newMapper().readValue("""
                {"brokers":["%s"],"topic":"order","format":"raw","concurrency":2,
                 "batch":{"max_records":50,"max_wait":"5ms"},
                 "retry":{"initial_backoff":"1s","max_backoff":"4s","jitter":0},
                 "producer":{"request.timeout.ms":"2000","delivery.timeout.ms":"4000","max.block.ms":"2000",
                             "reconnect.backoff.max.ms":"500"}}""".formatted(kafka.bootstrapServers()), KafkaOutputConfig.class);
        Metrics metrics = Metrics.newIsolated();
        Output out = new KafkaOutputFactory().create(c, new ComponentContext("kafka", metrics, InstantSource.system(), null, null,
                CheckpointStore.inMemory(), Map.of()));
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        MemoryBudget budget = new MemoryBudget(256 << 20);
        OutputRunner runner = new OutputRunner("kafka", out, c, budget, new DeadLetters(dir.resolve("dl"), 1 << 20), metrics,
                InstantSource.system(), scheduler, Math::random);
        runner.start();
        int total = 6000;
        Thread feeder = Thread.ofPlatform().start(() -> {
            try {
                for (int i = 0; i < total; i++) {
                    LogRecord r = LogRecord.builder().message(String.format("%06d", i)).build();
                    budget.acquire(r.sizeEstimate());
                    runner.offer(List.of(r), r.sizeEstimate());
                    if (i % 10 == 0) Thread.sleep(2);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            Thread.sleep(1500);
            kafka.stop();
            Thread.sleep(12_000);
            kafka.restart();
            feeder.join(120_000);
            assertTrue(runner.drain(System.nanoTime() + Duration.ofMinutes(2).toNanos()), "everything delivered");
        } finally {
            runner.close();
            scheduler.shutdownNow();
        }

        // at least once: a batch retried after a timeout may be stored twice; order is about first appearances
        List<String> values = List.of();
        for (int want = total; ; want += 1000) {
            values = kafka.consumeValues("order", want, Duration.ofSeconds(30));
            if (values.size() < want || values.stream().distinct().count() == total) break;
        }
        Map<Integer, Integer> first = new HashMap<>();
        for (int i = 0; i < values.size(); i++) first.putIfAbsent(Integer.parseInt(values.get(i)), i);
        assertEquals(total, first.size(), "nothing lost");
        int outOfOrder = 0;
        StringBuilder where = new StringBuilder();
        for (int n = 1; n < total; n++) {
            if (first.get(n) < first.get(n - 1)) {
                outOfOrder++;
                int at = first.get(n - 1);
                where.append("\n").append(n - 1).append(" first at offset ").append(at).append(", ").append(n).append(" at ")
                        .append(first.get(n)).append("; around: ").append(values.subList(Math.max(0, at - 3), Math.min(values.size(), at + 3)));
            }
        }
        assertEquals(0, outOfOrder, "records stored before an earlier one, out of " + total + " (" + values.size()
                + " stored):" + where);
    }
}
