package io.outrigger.agent.config;

import java.util.List;
import java.util.Objects;

/** One validated {@code pipelines.<name>} entry: input names, stages in order, output names. */
public record PipelineSpec(String name, List<String> from, List<StageSpec> stages, List<String> to) {

    public PipelineSpec {
        Objects.requireNonNull(name, "name");
        from = List.copyOf(from);
        stages = List.copyOf(stages);
        to = List.copyOf(to);
    }

    /** Number of stages, counting a {@code match} and every stage nested in it. */
    public int stageCount() { return count(stages); }

    private static int count(List<StageSpec> list) {
        int n = 0;
        for (StageSpec s : list) {
            n++;
            if (s instanceof StageSpec.Match m) n += count(m.stages());
        }
        return n;
    }
}
