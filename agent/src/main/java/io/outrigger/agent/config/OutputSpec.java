package io.outrigger.agent.config;

import io.outrigger.core.config.OutputSettings;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.OutputFactory;
import java.util.Objects;

/** One validated {@code outputs.<name>} entry: its factory and bound config record. */
public record OutputSpec(String name, String type, OutputFactory<?> factory, OutputSettings config) {

    public OutputSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(config, "config");
    }

    @SuppressWarnings("unchecked")
    public Output create(ComponentContext ctx) {
        return ((OutputFactory<OutputSettings>) factory).create(config, ctx);
    }
}
