package io.outrigger.agent.config;

import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Input;
import io.outrigger.core.pipeline.InputFactory;

/** STUB until the config loader lands. */
public record InputSpec(String name, String type, InputFactory<?> factory, Object config) {
    @SuppressWarnings("unchecked")
    public Input create(ComponentContext ctx) { return ((InputFactory<Object>) factory).create(config, ctx); }
}
