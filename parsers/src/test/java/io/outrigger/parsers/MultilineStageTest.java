package io.outrigger.parsers;

import static io.outrigger.parsers.StageHarness.line;
import static io.outrigger.parsers.StageHarness.stage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.event.Flag;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.parsers.StageHarness.Collector;
import io.outrigger.parsers.StageHarness.CountingFinalizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultilineStageTest {

    private static final long S = 1_000_000_000L;

    @Test
    void holdsEveryPartsFinalizerUntilTheJoinedRecordIsReleased() {
        Stage st = stage("multiline", "{\"preset\":\"java\"}");
        Collector out = new Collector();
        String[] lines = {"12:00:00 ERROR failed", "java.lang.IllegalStateException: boom", "\tat a.B.c(B.java:1)",
                "\tat a.B.d(B.java:2)"};
        List<CountingFinalizer> fins = new ArrayList<>();
        long off = 0;
        for (String l : lines) {
            CountingFinalizer f = new CountingFinalizer();
            fins.add(f);
            st.process(line(l, "s1", off, f), out);
            off += l.length() + 1;
        }
        assertEquals(List.of(), out.accepted, "nothing may pass before the record is complete");
        st.tick(10 * S, out); // first tick only stamps
        assertEquals(List.of(), out.accepted);
        fins.forEach(f -> assertEquals(0, f.releases.get(), "no part released while joining"));

        CountingFinalizer next = new CountingFinalizer();
        st.process(line("12:00:01 INFO next", "s1", off, next), out);
        assertEquals(1, out.accepted.size());
        LogRecord joined = out.accepted.getFirst();
        assertEquals(String.join("\n", lines), joined.message());
        assertEquals(0, joined.origin().offset());
        assertEquals(off, joined.origin().endOffset());
        fins.forEach(f -> assertEquals(0, f.releases.get(), "passing on must not release"));

        joined.finalizer().release();
        fins.forEach(f -> assertTrue(f.done(), "releasing the joined record releases every part"));
        assertFalse(next.done(), "the next record is still held");
    }

    @Test
    void tickReleasesAfterFlushTimeoutMeasuredFromTheLastLine() {
        Stage st = stage("multiline", "{\"start_pattern\":\"^\\\\d\",\"flush_timeout\":\"1s\"}");
        Collector out = new Collector();
        st.tick(100 * S, out);
        st.process(line("1 first"), out);
        st.tick(100 * S + S / 2, out);
        st.process(line("  more"), out); // stamped with the last tick: 100.5s
        st.tick(101 * S, out);
        assertEquals(List.of(), out.accepted, "0.5s since the last line");
        st.tick(101 * S + S / 2 - 1, out);
        assertEquals(List.of(), out.accepted, "just under 1s");
        st.tick(101 * S + S / 2, out);
        assertEquals(List.of("1 first\n  more"), out.messages());
        st.tick(200 * S, out);
        assertEquals(1, out.accepted.size(), "released once");
    }

    @Test
    void aRecordHeldBeforeAnyTickIsStampedByTheFirstTick() {
        Stage st = stage("multiline", "{\"preset\":\"python\"}");
        Collector out = new Collector();
        st.process(line("Traceback (most recent call last):"), out);
        st.tick(50 * S, out);
        assertEquals(List.of(), out.accepted);
        st.tick(51 * S, out);
        assertEquals(1, out.accepted.size());
    }

    @Test
    void streamsAreJoinedSeparatelyAndEndOfStreamReleasesOnlyThatStream() {
        Stage st = stage("multiline", "{\"continue_pattern\":\"^\\\\s\"}");
        Collector out = new Collector();
        st.process(line("a1", "A", 0, new CountingFinalizer()), out);
        st.process(line("b1", "B", 0, new CountingFinalizer()), out);
        st.process(line(" a2", "A", 3, new CountingFinalizer()), out);
        st.process(line(" b2", "B", 3, new CountingFinalizer()), out);
        assertEquals(List.of(), out.accepted);
        st.endOfStream("B", out);
        assertEquals(List.of("b1\n b2"), out.messages());
        st.flush(out);
        assertEquals(List.of("b1\n b2", "a1\n a2"), out.messages());
    }

    @Test
    void maxBytesCapSplitsAndFlags() {
        Stage st = stage("multiline", "{\"start_pattern\":\"^S\",\"max_bytes\":\"20B\"}");
        Collector out = new Collector();
        st.process(line("S 123456789"), out);   // 11 chars
        st.process(line(" 12345678"), out);     // +1+9 = 21 > 20
        st.process(line("S next"), out);
        assertEquals(2, out.accepted.size());
        assertEquals("S 123456789", out.accepted.get(0).message());
        assertTrue(out.accepted.get(0).has(Flag.JOIN_CAPPED));
        assertEquals(" 12345678", out.accepted.get(1).message());
        assertTrue(out.accepted.get(1).has(Flag.JOIN_CAPPED));
    }

    @Test
    void singleLinesPassUnchanged() {
        Stage st = stage("multiline", "{\"preset\":\"java\"}");
        Collector out = new Collector();
        LogRecord a = line("plain 1");
        st.process(a, out);
        st.process(line("plain 2"), out);
        assertEquals(1, out.accepted.size());
        assertTrue(out.accepted.getFirst() == a, "a line that joined nothing is passed as is");
    }

    @Test
    void stdoutAndStderrOfOneFileAreJoinedApart() {
        Stage cri = stage("cri", null);
        Stage st = stage("multiline", "{\"preset\":\"java\"}");
        Collector parsed = new Collector();
        String t = "2026-11-27T05:59:59Z ";
        for (String l : List.of(t + "stderr F 12:00 ERROR failed", t + "stdout F 12:00 INFO unrelated",
                t + "stderr F java.lang.IllegalStateException: boom", t + "stderr F \tat a.B.c(B.java:1)",
                t + "stdout F 12:01 INFO next")) {
            cri.process(line(l), parsed);
        }
        Collector out = new Collector();
        parsed.accepted.forEach(r -> st.process(r, out));
        st.flush(out);
        // flush releases stdout's pending line before stderr's
        assertEquals(List.of("12:00 INFO unrelated", "12:01 INFO next",
                "12:00 ERROR failed\njava.lang.IllegalStateException: boom\n\tat a.B.c(B.java:1)"), out.messages());
    }

    @Test
    void timestampStageFlagsAndCountsUnparsedTimes() {
        var ctx = StageHarness.context();
        Stage st = stage("timestamp", "{\"source\":\"t\",\"format\":\"unix_ms\"}", ctx);
        Collector out = new Collector();
        st.process(line("x").toBuilder().fields(io.outrigger.core.event.Fields.of("t", io.outrigger.core.event.Value.of(1500L))).build(), out);
        st.process(line("y").toBuilder().fields(io.outrigger.core.event.Fields.of("t", io.outrigger.core.event.Value.of("soon"))).build(), out);
        assertEquals(1_500_000_000L, out.accepted.get(0).timeNanos());
        assertEquals(StageHarness.READ_TIME, out.accepted.get(1).timeNanos());
        assertTrue(out.accepted.get(1).has(Flag.TIMESTAMP_UNPARSED));
        assertEquals(1.0, StageHarness.counter(ctx, ParseErrors.METRIC, "test", "timestamp"));
    }
}
