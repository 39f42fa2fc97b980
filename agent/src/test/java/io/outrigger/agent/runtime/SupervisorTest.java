package io.outrigger.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.agent.config.AgentSettings;
import io.outrigger.agent.config.InputSpec;
import io.outrigger.agent.config.OutputSpec;
import io.outrigger.agent.config.PipelineConfig;
import io.outrigger.agent.config.PipelineSpec;
import io.outrigger.agent.http.Readiness;
import io.outrigger.core.config.ByteSize;
import io.outrigger.core.config.RetryConfig;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.OutputFactory;
import io.outrigger.inputs.generator.GeneratorInputConfig;
import io.outrigger.inputs.generator.GeneratorInputFactory;
import io.outrigger.outputs.file.FileOutputConfig;
import io.outrigger.outputs.file.FileOutputFactory;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reloads: the new config is built before the running one stops; one that cannot be built leaves it running. */
class SupervisorTest {

    @TempDir Path tmp;

    /** An output type whose outputs cannot be created (as a TLS file removed since validation). */
    private static final class BrokenFactory implements OutputFactory<FileOutputConfig> {
        @Override public String type() { return "broken"; }
        @Override public Class<FileOutputConfig> configType() { return FileOutputConfig.class; }
        @Override public Output create(FileOutputConfig config, ComponentContext context) {
            throw new IllegalArgumentException("outputs.out.tls cannot be loaded: no such file");
        }
    }

    private PipelineConfig config(Path out, OutputFactory<FileOutputConfig> factory) {
        AgentSettings settings = new AgentSettings(tmp.resolve("data"), Duration.ofSeconds(5), ByteSize.ofMiB(1),
                Duration.ofMillis(100), "", "text", "info", null);
        Map<String, InputSpec> inputs = Map.of("gen", new InputSpec("gen", "generator", new GeneratorInputFactory(),
                new GeneratorInputConfig(List.of("line {{seq}}"), Duration.ofMillis(5), 0L)));
        Map<String, OutputSpec> outs = Map.of("out", new OutputSpec("out", factory.type(), factory, new FileOutputConfig(out, false, null,
                new RetryConfig(Duration.ofMillis(20), Duration.ofMillis(50), 0.0, 0, null), 1)));
        Map<String, PipelineSpec> pipelines = Map.of("p", new PipelineSpec("p", List.of("gen"), List.of(), List.of("out")));
        return new PipelineConfig(tmp.resolve("pipeline.yaml"), settings, inputs, pipelines, outs, List.of());
    }

    private static long lines(Path file) throws Exception {
        return Files.exists(file) ? Files.readString(file).chars().filter(c -> c == '\n').count() : 0;
    }

    private static void await(String what, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.call()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    private static double metric(Supervisor s, String name) {
        for (MetricSnapshot m : s.registry().get().scrape()) {
            if (!m.getMetadata().getPrometheusName().equals(name.replace("_total", ""))) continue;
            if (m instanceof CounterSnapshot c) return c.getDataPoints().get(0).getValue();
            if (m instanceof GaugeSnapshot g) return g.getDataPoints().get(0).getValue();
        }
        throw new AssertionError("no metric " + name);
    }

    @Test
    void aReloadThatCannotBeBuiltKeepsTheRunningConfig() throws Exception {
        Path first = tmp.resolve("first.ndjson");
        Supervisor supervisor = new Supervisor(config(first, new FileOutputFactory()), Map.of());
        supervisor.start();
        try {
            await("lines from the first config", () -> lines(first) >= 5);
            Agent running = supervisor.agent();
            assertEquals(0, metric(supervisor, "outrigger_config_reload_failures_total"));
            assertEquals(1, metric(supervisor, "outrigger_config_last_reload_successful"));

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> supervisor.reload(config(tmp.resolve("never.ndjson"), new BrokenFactory())));
            assertTrue(e.getMessage().contains("cannot be loaded"), e.getMessage());
            assertSame(running, supervisor.agent(), "the running agent stays");
            long before = lines(first);
            await("lines still flowing after the refused reload", () -> lines(first) > before + 5);
            Readiness r = supervisor.readiness();
            assertEquals("reload refused, running the previous config: outputs.out.tls cannot be loaded: no such file",
                    r.components().get("config"), r.toString());
            assertTrue(r.ready(), "the previous config runs and delivers: " + r);
            assertEquals(1, metric(supervisor, "outrigger_config_reload_failures_total"));
            assertEquals(0, metric(supervisor, "outrigger_config_last_reload_successful"));

            // a good config afterwards replaces it, and clears the refusal
            Path second = tmp.resolve("second.ndjson");
            supervisor.reload(config(second, new FileOutputFactory()));
            await("lines from the new config", () -> lines(second) >= 5);
            assertNull(supervisor.readiness().components().get("config"));
            assertEquals(1, metric(supervisor, "outrigger_config_last_reload_successful"));
            assertEquals(1, metric(supervisor, "outrigger_config_reload_failures_total"));
        } finally {
            supervisor.stop();
        }
    }
}
