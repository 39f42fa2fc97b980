package io.outrigger.agent.config.testplugins;

import io.outrigger.core.config.BatchConfig;
import io.outrigger.core.config.OutputSettings;
import io.outrigger.core.config.RetryConfig;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.OutputFactory;
import io.outrigger.core.pipeline.SendResult;
import java.util.concurrent.CompletableFuture;

/** A stand-in for the {@code stdout} output. */
public final class FakeStdoutOutput implements OutputFactory<FakeStdoutOutput.Config> {

    public record Config(String format, BatchConfig batch, RetryConfig retry, Integer concurrency) implements OutputSettings {
        public Config {
            if (format == null) format = "json";
            if (batch == null) batch = BatchConfig.DEFAULT;
            if (retry == null) retry = RetryConfig.DEFAULT;
            if (concurrency == null) concurrency = 1;
        }
    }

    @Override public String type() { return "stdout"; }

    @Override public Class<Config> configType() { return Config.class; }

    @Override public Output create(Config config, ComponentContext context) {
        return batch -> CompletableFuture.completedFuture((SendResult) null);
    }
}
