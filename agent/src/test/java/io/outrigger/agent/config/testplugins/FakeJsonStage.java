package io.outrigger.agent.config.testplugins;

import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageFactory;

/** A stage with only optional options, written bare: {@code - json}. */
public final class FakeJsonStage implements StageFactory<FakeJsonStage.Config> {

    public record Config(String field, Boolean keepOriginal) {
        public Config {
            if (field == null) field = "message";
            if (keepOriginal == null) keepOriginal = false;
        }
    }

    @Override public String type() { return "json"; }

    @Override public Class<Config> configType() { return Config.class; }

    @Override public Stage create(Config config, ComponentContext context) {
        return (record, out) -> out.accept(record);
    }
}
