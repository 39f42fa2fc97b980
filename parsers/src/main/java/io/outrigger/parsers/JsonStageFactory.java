package io.outrigger.parsers;

import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageFactory;

/** Parses a JSON object line into typed fields. */
public final class JsonStageFactory implements StageFactory<JsonConfig> {
    @Override public String type() { return "json"; }
    @Override public Class<JsonConfig> configType() { return JsonConfig.class; }
    @Override public Stage create(JsonConfig config, ComponentContext context) {
        return new JsonStage(config, new ParseErrors(context, type()));
    }
}
