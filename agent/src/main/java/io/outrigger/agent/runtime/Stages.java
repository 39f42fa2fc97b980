package io.outrigger.agent.runtime;

import io.outrigger.agent.config.StageSpec;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.parsers.process.Condition;
import io.outrigger.parsers.process.MatchStage;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a pipeline's stage instances from their specs: one set per input (and, for {@code match}, per chain), so
 * each chain has its own state.
 */
public final class Stages {

    private Stages() {}

    public static List<Stage> create(List<StageSpec> specs, ComponentContext ctx) {
        List<Stage> out = new ArrayList<>(specs.size());
        for (StageSpec spec : specs) {
            switch (spec) {
                case StageSpec.Plugin p -> out.add(p.create(ctx));
                case StageSpec.Match m -> out.add(new MatchStage(Condition.of(m.when()), create(m.stages(), ctx)));
            }
        }
        return out;
    }
}
