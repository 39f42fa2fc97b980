package io.outrigger.parsers.process;

import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageFactory;
import io.outrigger.core.pipeline.StageOutput;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Promtail's sampling stage: keeps each record independently with probability {@code rate}; the others are dropped
 * with reason {@code sampled} (counted and released by the pipeline). A stage instance runs on one thread, as stages
 * do, so its random generator is not shared.
 */
public final class SamplingStageFactory implements StageFactory<SamplingConfig> {
    @Override public String type() { return "sampling"; }
    @Override public Class<SamplingConfig> configType() { return SamplingConfig.class; }

    @Override public List<ConfigProblem> validate(SamplingConfig c) {
        if (c.rate() == null) return List.of(new ConfigProblem("rate", "required: the fraction of records kept, e.g. 0.1"));
        if (!(c.rate() >= 0 && c.rate() <= 1)) {
            return List.of(new ConfigProblem("rate", "must be between 0 and 1 (the fraction of records kept), not " + c.rate()));
        }
        return List.of();
    }

    @Override public Stage create(SamplingConfig c, ComponentContext context) {
        SplittableRandom random = c.seed() == null ? new SplittableRandom() : new SplittableRandom(c.seed());
        return new SamplingStage(c.rate(), random);
    }

    private record SamplingStage(double rate, SplittableRandom random) implements Stage {
        @Override public void process(LogRecord record, StageOutput out) {
            // rate 1 keeps everything and rate 0 nothing, without drawing
            if (rate >= 1 || (rate > 0 && random.nextDouble() < rate)) out.accept(record);
            else out.drop(record, "sampled");
        }
    }
}
