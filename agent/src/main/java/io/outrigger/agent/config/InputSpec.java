package io.outrigger.agent.config;

import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Input;
import io.outrigger.core.pipeline.InputFactory;
import java.util.Objects;

/** One validated {@code inputs.<name>} entry: its factory and bound config record. */
public record InputSpec(String name, String type, InputFactory<?> factory, Object config) {

    public InputSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(config, "config");
    }

    @SuppressWarnings("unchecked")
    public Input create(ComponentContext ctx) {
        return ((InputFactory<Object>) factory).create(config, ctx);
    }
}
