package io.outrigger.agent.runtime;

import io.outrigger.agent.config.StageSpec;
import io.outrigger.agent.tap.Tap;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageOutput;
import io.outrigger.parsers.process.Condition;
import io.outrigger.parsers.process.MatchStage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds a pipeline's stage instances from their specs: one set per input (and, for {@code match}, per chain), so
 * each chain has its own state.
 */
public final class Stages {

    private Stages() {}

    public static List<Stage> create(List<StageSpec> specs, ComponentContext ctx) {
        return create(specs, ctx, null, null, "");
    }

    /**
     * As {@link #create(List, ComponentContext)}; with a {@code tap}, the stages inside a {@code match} offer what
     * they pass to it as points {@code <k>.<j>} (the top-level stages are offered by their {@link StageChain}).
     */
    public static List<Stage> create(List<StageSpec> specs, ComponentContext ctx, Tap tap, String pipeline, String prefix) {
        List<Stage> out = new ArrayList<>(specs.size());
        for (int i = 0; i < specs.size(); i++) {
            switch (specs.get(i)) {
                case StageSpec.Plugin p -> out.add(p.create(ctx));
                case StageSpec.Match m -> {
                    String inner = prefix + i + ".";
                    List<Stage> nested = create(m.stages(), ctx, tap, pipeline, inner);
                    if (tap != null) {
                        for (int j = 0; j < nested.size(); j++) nested.set(j, new TappedStage(nested.get(j), tap, pipeline, inner + j));
                    }
                    out.add(new MatchStage(Condition.of(m.when()), nested));
                }
            }
        }
        return out;
    }

    /** The points of a pipeline's stages a tap can show: {@code "0"}, {@code "1"}, {@code "1.0"} inside a match... */
    public static Set<String> points(List<StageSpec> specs, String prefix) {
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < specs.size(); i++) {
            out.add(prefix + i);
            if (specs.get(i) instanceof StageSpec.Match m) out.addAll(points(m.stages(), prefix + i + "."));
        }
        return out;
    }

    /** A stage inside a match whose results are offered to the tap while it has clients. */
    private record TappedStage(Stage inner, Tap tap, String pipeline, String point) implements Stage {
        private StageOutput watch(StageOutput out) {
            if (!tap.active()) return out;
            return new StageOutput() {
                @Override public void accept(LogRecord r) {
                    tap.offer(pipeline, point, r);
                    out.accept(r);
                }

                @Override public void drop(LogRecord r, String reason) { out.drop(r, reason); }
            };
        }

        @Override public void process(LogRecord record, StageOutput out) { inner.process(record, watch(out)); }

        @Override public void tick(long nowNanos, StageOutput out) { inner.tick(nowNanos, watch(out)); }

        @Override public boolean holding() { return inner.holding(); }

        @Override public void endOfStream(String streamId, StageOutput out) { inner.endOfStream(streamId, watch(out)); }

        @Override public void flush(StageOutput out) { inner.flush(watch(out)); }
    }
}
