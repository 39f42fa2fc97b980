package io.outrigger.agent.config.testplugins;

import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Emitter;
import io.outrigger.core.pipeline.Input;
import io.outrigger.core.pipeline.InputFactory;
import java.time.Duration;

/** A second input type, so "known:" lists have more than one entry. */
public final class FakeScrapeInput implements InputFactory<FakeScrapeInput.Config> {

    public record Config(String url, Duration interval) {}

    @Override public String type() { return "prometheus_scrape"; }

    @Override public Class<Config> configType() { return Config.class; }

    @Override public Input create(Config config, ComponentContext context) {
        return new Input() {
            @Override public void start(Emitter emitter) {}

            @Override public void stop(long deadlineNanos) {}
        };
    }
}
