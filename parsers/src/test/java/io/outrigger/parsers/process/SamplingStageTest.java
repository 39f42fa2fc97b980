package io.outrigger.parsers.process;

import static io.outrigger.parsers.StageHarness.line;
import static io.outrigger.parsers.StageHarness.stage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.event.LogRecord;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.parsers.StageHarness;
import io.outrigger.parsers.StageHarness.Collector;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SamplingStageTest {

    private static Collector run(String json, int n) {
        Stage st = stage("sampling", json);
        Collector out = new Collector();
        for (int i = 0; i < n; i++) st.process(line("line " + i), out);
        return out;
    }

    @Test
    void keepsAboutTheRateAndDropsTheRestAsSampled() {
        Collector out = run("{\"rate\":0.25,\"seed\":42}", 20_000);
        int kept = out.accepted.size();
        // binomial(20000, 0.25): sd 61; a fixed seed makes the count repeatable, the bound shows it is the rate
        assertTrue(kept > 4_700 && kept < 5_300, "kept " + kept);
        assertEquals(20_000 - kept, out.dropped.size());
        assertEquals(Set.of("sampled"), Set.copyOf(out.dropReasons));
        // the same seed keeps the same records
        assertEquals(out.messages(), run("{\"rate\":0.25,\"seed\":42}", 20_000).messages());
    }

    @Test
    void rateZeroDropsEverythingAndRateOneKeepsEverything() {
        Collector none = run("{\"rate\":0}", 100);
        assertEquals(List.of(), none.accepted);
        assertEquals(100, none.dropReasons.stream().filter("sampled"::equals).count());
        Collector all = run("{\"rate\":1}", 100);
        assertEquals(100, all.accepted.size());
        assertEquals(List.of(), all.dropped.stream().map(LogRecord::message).toList());
    }

    @Test
    void rateIsRequiredAndBetweenZeroAndOne() {
        assertEquals("rate: required: the fraction of records kept, e.g. 0.1",
                StageHarness.problems("sampling", "{}").getFirst().toString());
        assertEquals("rate: must be between 0 and 1 (the fraction of records kept), not 1.5",
                StageHarness.problems("sampling", "{\"rate\":1.5}").getFirst().toString());
    }
}
