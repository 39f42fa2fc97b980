package io.outrigger.agent.config;

import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageFactory;
import io.outrigger.parsers.process.ConditionConfig;
import java.util.List;
import java.util.Objects;

/** One entry of a pipeline's {@code stages:} list. */
public sealed interface StageSpec permits StageSpec.Plugin, StageSpec.Match {

    /** Where it is written, e.g. {@code pipelines.app.stages[2]} or {@code pipelines.app.stages[2].match.stages[0]}. */
    String path();

    /** The stage key: a factory's type, or {@code match}. */
    String type();

    /** A stage made by a {@link StageFactory}; {@code config} is its bound config record. */
    record Plugin(String path, String type, StageFactory<?> factory, Object config) implements StageSpec {

        public Plugin {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(factory, "factory");
            Objects.requireNonNull(config, "config");
        }

        @SuppressWarnings("unchecked")
        public Stage create(ComponentContext ctx) {
            return ((StageFactory<Object>) factory).create(config, ctx);
        }
    }

    /**
     * {@code - match: {when: {...}, stages: [...]}}: records for which {@code when} holds go through
     * {@code stages}; the loader has bound and checked the condition.
     */
    record Match(String path, ConditionConfig when, List<StageSpec> stages) implements StageSpec {

        public Match {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(when, "when");
            stages = List.copyOf(stages);
        }

        @Override public String type() { return ComponentRegistry.MATCH; }
    }
}
