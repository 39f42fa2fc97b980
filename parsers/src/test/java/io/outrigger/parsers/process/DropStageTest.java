package io.outrigger.parsers.process;

import static io.outrigger.parsers.StageHarness.line;
import static io.outrigger.parsers.StageHarness.stage;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.event.Fields;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Value;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.telemetry.Metrics;
import io.outrigger.parsers.StageHarness;
import io.outrigger.parsers.StageHarness.Collector;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DropStageTest {

    /** A clock the test moves. */
    private static final class FakeClock implements InstantSource {
        Instant now = Instant.parse("2026-12-08T12:00:00Z");
        @Override public Instant instant() { return now; }
    }

    private static ComponentContext context(InstantSource clock) {
        return new ComponentContext("test", Metrics.newIsolated(), clock, null, null, CheckpointStore.inMemory(), Map.of());
    }

    private static LogRecord at(String message, String time) {
        Instant t = Instant.parse(time);
        return line(message).toBuilder().timeNanos(t.getEpochSecond() * 1_000_000_000L + t.getNano()).build();
    }

    @Test
    void olderThanDropsRecordsOlderThanNowMinusItByTheStageClock() {
        FakeClock clock = new FakeClock();
        Stage st = stage("drop", "{\"older_than\":\"1h\"}", context(clock));
        Collector out = new Collector();
        st.process(at("old", "2026-12-08T10:59:59Z"), out);
        st.process(at("edge", "2026-12-08T11:00:00Z"), out);
        st.process(at("new", "2026-12-08T11:30:00Z"), out);
        st.process(at("future", "2026-12-08T13:00:00Z"), out);
        assertEquals(List.of("edge", "new", "future"), out.messages());
        assertEquals(List.of("old"), out.dropped.stream().map(LogRecord::message).toList());
        assertEquals(List.of("too_old"), out.dropReasons);

        clock.now = clock.now.plus(Duration.ofMinutes(45)); // now 12:45: 11:30 is older than 11:45
        Collector later = new Collector();
        st.process(at("new", "2026-12-08T11:30:00Z"), later);
        st.process(at("newer", "2026-12-08T12:00:00Z"), later);
        assertEquals(List.of("newer"), later.messages());
        assertEquals(List.of("too_old"), later.dropReasons);
    }

    @Test
    void olderThanWithAConditionDropsOnlyWhenBothMatch() {
        Stage st = stage("drop", "{\"field\":\"level\",\"equals\":\"debug\",\"older_than\":\"24h\"}", context(new FakeClock()));
        Collector out = new Collector();
        st.process(at("old debug", "2026-12-06T00:00:00Z").toBuilder().fields(Fields.of("level", Value.of("debug"))).build(), out);
        st.process(at("old info", "2026-12-06T00:00:00Z").toBuilder().fields(Fields.of("level", Value.of("info"))).build(), out);
        st.process(at("new debug", "2026-12-08T11:00:00Z").toBuilder().fields(Fields.of("level", Value.of("debug"))).build(), out);
        assertEquals(List.of("old info", "new debug"), out.messages());
        assertEquals(List.of("filtered"), out.dropReasons);
    }

    @Test
    void olderThanMustBePositiveAndStandsAlone() {
        assertEquals("older_than: must be positive, e.g. 24h",
                StageHarness.problems("drop", "{\"older_than\":\"0\"}").getFirst().toString());
        assertEquals(List.of(), StageHarness.problems("drop", "{\"older_than\":\"1h30m\"}"));
        // a huge age does not overflow: nothing is older than a million days (or 200 years) before 2026
        Stage st = stage("drop", "{\"older_than\":\"1000000d\"}", context(new FakeClock()));
        Collector out200 = new Collector();
        stage("drop", "{\"older_than\":\"73000d\"}", context(new FakeClock())).process(at("ancient", "1900-01-01T00:00:00Z"), out200);
        assertEquals(List.of("ancient"), out200.messages());
        Collector out = new Collector();
        st.process(at("ancient", "1900-01-01T00:00:00Z"), out);
        assertEquals(List.of("ancient"), out.messages());
    }
}
