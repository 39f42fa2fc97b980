package io.outrigger.parsers.process;

import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageFactory;
import io.outrigger.core.pipeline.StageOutput;
import java.util.List;

/** Drops records by a condition (reason {@code filtered}, counted and released by the pipeline). */
public final class DropStageFactory implements StageFactory<DropConfig> {
    @Override public String type() { return "drop"; }
    @Override public Class<DropConfig> configType() { return DropConfig.class; }
    @Override public List<ConfigProblem> validate(DropConfig c) { return Condition.validate(c.condition()); }

    @Override public Stage create(DropConfig c, ComponentContext context) {
        return new DropStage(Condition.of(c.condition()), c.keep());
    }

    private record DropStage(Condition condition, boolean keep) implements Stage {
        @Override public void process(LogRecord record, StageOutput out) {
            if (condition.test(record) != keep) out.drop(record, "filtered");
            else out.accept(record);
        }
    }
}
