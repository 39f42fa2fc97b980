package io.outrigger.parsers;

import static io.outrigger.parsers.StageHarness.line;
import static io.outrigger.parsers.StageHarness.stage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.event.Flag;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.parsers.StageHarness.Collector;
import io.outrigger.parsers.StageHarness.CountingFinalizer;
import java.util.List;
import org.junit.jupiter.api.Test;

class DockerStageTest {

    private static String json(String log) {
        return "{\"log\":\"" + log + "\",\"stream\":\"stdout\",\"time\":\"2026-11-27T05:59:59.5Z\"}";
    }

    @Test
    void partialsAreJoinedAndReleasedTogether() {
        Stage st = stage("docker", null);
        Collector out = new Collector();
        CountingFinalizer a = new CountingFinalizer(), b = new CountingFinalizer();
        st.process(line(json("part one "), "s", 0, a), out);
        assertEquals(List.of(), out.accepted);
        st.process(line(json("part two\\n"), "s", 80, b), out);
        assertEquals(List.of("part one part two"), out.messages());
        assertEquals(0, a.releases.get() + b.releases.get());
        out.accepted.getFirst().finalizer().release();
        assertTrue(a.done() && b.done());
    }

    @Test
    void capAndEndOfStream() {
        Stage st = stage("docker", "{\"max_bytes\":\"10B\"}");
        Collector out = new Collector();
        st.process(line(json("12345678")), out);
        st.process(line(json("abcdefgh")), out);
        assertEquals(List.of("12345678"), out.messages());
        assertTrue(out.accepted.getFirst().has(Flag.JOIN_CAPPED));
        st.endOfStream("other", out);
        assertEquals(1, out.accepted.size());
        st.endOfStream("s1", out);
        assertEquals(List.of("12345678", "abcdefgh"), out.messages());
        assertTrue(out.accepted.get(1).has(Flag.JOIN_CAPPED));
    }
}
