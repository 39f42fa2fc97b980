package io.outrigger.agent.config;

import io.outrigger.core.config.OutputSettings;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.OutputFactory;

/** STUB until the config loader lands. */
public record OutputSpec(String name, String type, OutputFactory<?> factory, OutputSettings config) {
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Output create(ComponentContext ctx) { return ((OutputFactory) factory).create(config, ctx); }
}
