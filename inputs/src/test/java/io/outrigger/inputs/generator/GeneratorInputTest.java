package io.outrigger.inputs.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Input;
import io.outrigger.core.telemetry.Metrics;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class GeneratorInputTest {

    @Test
    void emitsTheLinesInTurnUpToCount() throws Exception {
        InstantSource clock = InstantSource.fixed(Instant.parse("2026-11-27T05:00:00Z"));
        GeneratorInputConfig config = new GeneratorInputConfig(List.of("a {{seq}}", "b {{now}}"), Duration.ZERO, 3L);
        GeneratorInputFactory factory = new GeneratorInputFactory();
        assertTrue(factory.validate(config).isEmpty());
        Input input = factory.create(config, new ComponentContext("demo", Metrics.newIsolated(), clock, null, null,
                CheckpointStore.inMemory(), Map.of()));
        List<LogRecord> got = new CopyOnWriteArrayList<>();
        input.start(got::addAll);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (got.size() < 3 && System.nanoTime() < deadline) Thread.sleep(5);
        input.stop(System.nanoTime() + 1_000_000_000L);
        assertEquals(List.of("a 1", "b 2026-11-27T05:00:00Z", "a 3"), got.stream().map(LogRecord::message).toList());
        assertEquals("demo", got.getFirst().origin().input());
    }

    @Test
    void rejectsNegativeCount() {
        var problems = new GeneratorInputFactory().validate(new GeneratorInputConfig(null, null, -1L));
        assertEquals("count: must be 0 (forever) or more, got -1", problems.getFirst().toString());
    }
}
