package io.outrigger.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.outrigger.agent.config.StageSpec;
import io.outrigger.core.event.Fields;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Origin;
import io.outrigger.core.event.Value;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Finalizer;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageFactory;
import io.outrigger.core.pipeline.StageOutput;
import io.outrigger.core.telemetry.Metrics;
import io.outrigger.parsers.process.ConditionConfig;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StagesTest {

    /** Marks the records it sees, so the test can tell which went through a match's nested stages. */
    private static final StageFactory<String> MARK = new StageFactory<>() {
        @Override public String type() { return "mark"; }
        @Override public Class<String> configType() { return String.class; }
        @Override public Stage create(String config, ComponentContext ctx) {
            return (r, out) -> out.accept(r.toBuilder().message(config + r.message()).build());
        }
    };

    private static LogRecord line(String message, String level) {
        return LogRecord.of(0, message, Origin.NONE, Finalizer.NONE, 0).toBuilder()
                .fields(Fields.of("level", Value.of(level))).build();
    }

    @Test
    void aMatchConditionRoutesRecords() {
        var when = new ConditionConfig("level", "ERROR", null, null);
        StageSpec match = new StageSpec.Match("pipelines.p.stages[0]", when,
                List.of(new StageSpec.Plugin("pipelines.p.stages[0].match.stages[0]", "mark", MARK, "!")));
        ComponentContext ctx = new ComponentContext("p", Metrics.newIsolated(), InstantSource.system(), null, null, null, Map.of());
        List<Stage> stages = Stages.create(List.of(match), ctx);
        List<String> got = new ArrayList<>();
        StageOutput out = new StageOutput() {
            @Override public void accept(LogRecord record) { got.add(record.message()); }
            @Override public void drop(LogRecord record, String reason) {}
        };
        stages.get(0).process(line("a", "ERROR"), out);
        stages.get(0).process(line("b", "INFO"), out);
        assertEquals(List.of("!a", "b"), got);
    }
}
