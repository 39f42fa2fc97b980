package io.outrigger.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageFactory;
import java.util.List;

/** STUB until the config loader lands. */
public sealed interface StageSpec {
    String path();
    String type();

    record Plugin(String path, String type, StageFactory<?> factory, Object config) implements StageSpec {
        @SuppressWarnings("unchecked")
        public Stage create(ComponentContext ctx) { return ((StageFactory<Object>) factory).create(config, ctx); }
    }

    record Match(String path, JsonNode when, List<StageSpec> stages) implements StageSpec {
        public String type() { return "match"; }
    }
}
