package io.outrigger.agent.config.testplugins;

import io.outrigger.core.config.BatchConfig;
import io.outrigger.core.config.OutputSettings;
import io.outrigger.core.config.RetryConfig;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Emitter;
import io.outrigger.core.pipeline.Input;
import io.outrigger.core.pipeline.InputFactory;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.OutputFactory;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageFactory;

/**
 * Factories registered for {@link java.util.ServiceLoader} under {@code config/services/META-INF/services}, a
 * directory the registry test puts on a class loader of its own (so they never mix with the real plugins on the
 * agent's test class path). Type {@code test_probe}, which no real plugin uses.
 */
public final class ProbeFactories {

    private ProbeFactories() {}

    public record Empty() {}

    public record EmptyOutput(BatchConfig batch, RetryConfig retry, Integer concurrency) implements OutputSettings {}

    public static final class ProbeInput implements InputFactory<Empty> {
        @Override public String type() { return "test_probe"; }

        @Override public Class<Empty> configType() { return Empty.class; }

        @Override public Input create(Empty config, ComponentContext context) {
            return new Input() {
                @Override public void start(Emitter emitter) {}

                @Override public void stop(long deadlineNanos) {}
            };
        }
    }

    public static final class ProbeStage implements StageFactory<Empty> {
        @Override public String type() { return "test_probe"; }

        @Override public Class<Empty> configType() { return Empty.class; }

        @Override public Stage create(Empty config, ComponentContext context) { return (r, out) -> out.accept(r); }
    }

    public static final class ProbeOutput implements OutputFactory<EmptyOutput> {
        @Override public String type() { return "test_probe"; }

        @Override public Class<EmptyOutput> configType() { return EmptyOutput.class; }

        @Override public Output create(EmptyOutput config, ComponentContext context) { return batch -> null; }
    }
}
