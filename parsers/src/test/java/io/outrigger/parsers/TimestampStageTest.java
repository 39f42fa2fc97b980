package io.outrigger.parsers;

import static io.outrigger.parsers.StageHarness.line;
import static io.outrigger.parsers.StageHarness.stage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.event.Fields;
import io.outrigger.core.event.Flag;
import io.outrigger.core.event.Value;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.parsers.StageHarness.Collector;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimestampStageTest {

    private static long nanos(String instant) {
        Instant i = Instant.parse(instant);
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    @Test
    void fallbackFormatsAreTriedInOrderAfterFormat() {
        var ctx = StageHarness.context();
        Stage st = stage("timestamp", """
                {"source":"t","format":"rfc3339","fallback_formats":["unix_ms","dd/MM/yyyy HH:mm:ss","yyyy-MM-dd HH:mm:ss"]}""", ctx);
        Collector out = new Collector();
        for (Value v : new Value[] {Value.of("2026-11-27T05:00:00Z"), Value.of(1700000000123L), Value.of("27/11/2026 05:00:01"),
                Value.of("2026-11-27 05:00:02"), Value.of("soon")}) {
            st.process(line("x").toBuilder().fields(Fields.of("t", v)).build(), out);
        }
        assertEquals(nanos("2026-11-27T05:00:00Z"), out.accepted.get(0).timeNanos());
        assertEquals(nanos("2023-11-14T22:13:20.123Z"), out.accepted.get(1).timeNanos());
        assertEquals(nanos("2026-11-27T05:00:01Z"), out.accepted.get(2).timeNanos());
        assertEquals(nanos("2026-11-27T05:00:02Z"), out.accepted.get(3).timeNanos());
        for (int i = 0; i < 4; i++) assertFalse(out.accepted.get(i).has(Flag.TIMESTAMP_UNPARSED), "record " + i);
        // none of the formats parses: the read time stays, flagged and counted once
        assertEquals(StageHarness.READ_TIME, out.accepted.get(4).timeNanos());
        assertTrue(out.accepted.get(4).has(Flag.TIMESTAMP_UNPARSED));
        assertEquals(1.0, StageHarness.counter(ctx, ParseErrors.METRIC, "test", "timestamp"));
    }

    @Test
    void fallbackFormatsUseTheStageTimezone() {
        Stage st = stage("timestamp", """
                {"source":"t","format":"unix","fallback_formats":["yyyy-MM-dd HH:mm:ss"],"timezone":"Europe/Berlin"}""");
        Collector out = new Collector();
        st.process(line("x").toBuilder().fields(Fields.of("t", Value.of("2026-07-01 12:00:00"))).build(), out);
        assertEquals(nanos("2026-07-01T10:00:00Z"), out.accepted.get(0).timeNanos());
    }

    @Test
    void aBadFallbackFormatIsNamedByItsIndex() {
        assertEquals("fallback_formats[1]: invalid time format \"%Q\": unsupported strftime directive %Q (use one of auto, "
                        + "rfc3339, rfc3339nano, iso8601, unix, unix_ms, unix_us, unix_ns, rfc3164 or a pattern such as yyyy-MM-dd HH:mm:ss)",
                StageHarness.problems("timestamp", "{\"fallback_formats\":[\"unix\",\"%Q\"]}").getFirst().toString());
    }
}
