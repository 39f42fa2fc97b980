package io.outrigger.parsers;

import static io.outrigger.parsers.StageHarness.line;
import static io.outrigger.parsers.StageHarness.stage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.event.Flag;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.parsers.StageHarness.Collector;
import io.outrigger.parsers.StageHarness.CountingFinalizer;
import java.util.List;
import org.junit.jupiter.api.Test;

class CriStageTest {

    private static final String T = "2026-11-27T05:59:59.000000001Z ";

    @Test
    void joinedRecordCarriesAllPartsFinalizers() {
        Stage st = stage("cri", null);
        Collector out = new Collector();
        CountingFinalizer a = new CountingFinalizer(), b = new CountingFinalizer(), c = new CountingFinalizer();
        st.process(line(T + "stdout P one ", "s", 0, a), out);
        st.process(line(T + "stdout P two ", "s", 50, b), out);
        assertEquals(List.of(), out.accepted);
        st.process(line(T + "stdout F three", "s", 100, c), out);
        LogRecord r = out.accepted.getFirst();
        assertEquals("one two three", r.message());
        assertEquals("F", r.fields().get("logtag").asText());
        assertEquals(0, a.releases.get() + b.releases.get() + c.releases.get());
        r.finalizer().release();
        assertTrue(a.done() && b.done() && c.done());
    }

    @Test
    void capSplitsAOneMebibyteJoin() {
        Stage st = stage("cri", "{\"max_bytes\":\"1MiB\"}");
        Collector out = new Collector();
        String half = "x".repeat(600 * 1024);
        st.process(line(T + "stdout P " + half), out);
        st.process(line(T + "stdout P " + half), out); // would exceed 1 MiB
        assertEquals(1, out.accepted.size());
        assertTrue(out.accepted.getFirst().has(Flag.JOIN_CAPPED));
        assertEquals(half.length(), out.accepted.getFirst().message().length());
        st.process(line(T + "stdout F end"), out);
        assertEquals(2, out.accepted.size());
        assertEquals(half.length() + 3, out.accepted.get(1).message().length());
        assertTrue(out.accepted.get(1).has(Flag.JOIN_CAPPED));
    }

    @Test
    void aOneMebibyteFullLineIsParsed() {
        Stage st = stage("cri", null);
        Collector out = new Collector();
        String big = "y".repeat(1 << 20);
        st.process(line(T + "stderr F " + big), out);
        assertEquals(big, out.accepted.getFirst().message());
        assertFalse(out.accepted.getFirst().has(Flag.JOIN_CAPPED));
    }

    @Test
    void partialWithoutFinalLineIsReleasedByTickAndCountsNoError() {
        ComponentContext ctx = StageHarness.context();
        Stage st = stage("cri", "{\"flush_timeout\":\"2s\"}", ctx);
        Collector out = new Collector();
        st.tick(1_000_000_000L, out);
        st.process(line(T + "stdout P dangling"), out);
        st.tick(2_999_999_999L, out);
        assertEquals(List.of(), out.accepted);
        st.tick(3_000_000_000L, out);
        assertEquals(List.of("dangling"), out.messages());
        assertEquals("P", out.accepted.getFirst().fields().get("logtag").asText());
        st.process(line("garbage"), out);
        assertEquals(1.0, StageHarness.counter(ctx, ParseErrors.METRIC, "test", "cri"));
    }
}
