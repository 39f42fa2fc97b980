package io.outrigger.agent.runtime;

import io.outrigger.agent.config.PipelineConfig;
import io.outrigger.agent.http.AgentHttpServer;
import io.outrigger.agent.http.Readiness;
import io.outrigger.core.telemetry.Metrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.InstantSource;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Owns the running {@link Agent} across config reloads. A reload stops the current agent gracefully (stop
 * reading, release what stages hold, drain outputs, save checkpoints) and starts one from the new config on the
 * same data directory, so checkpoints carry over and nothing acknowledged is read twice, nothing unacknowledged is
 * lost. Each agent has its own metrics registry; the HTTP endpoints always serve the current one.
 */
public final class Supervisor {

    private static final System.Logger LOG = System.getLogger(Supervisor.class.getName());

    private final Map<String, String> env;
    private volatile Agent current;
    private volatile PipelineConfig config;

    public Supervisor(PipelineConfig config, Map<String, String> env) throws IOException {
        this.env = env;
        this.config = config;
        this.current = newAgent(config);
    }

    private Agent newAgent(PipelineConfig c) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        // the JVM metrics are added by /metrics on the first scrape (AgentHttpServer.registerJvmMetrics)
        return new Agent(c, env, new Metrics(registry), InstantSource.system());
    }

    public void start() { current.start(); }

    public Agent agent() { return current; }

    public PipelineConfig config() { return config; }

    /** The registry of the running agent, for {@code /metrics}. */
    public Supplier<PrometheusRegistry> registry() { return () -> current.metrics().registry(); }

    /** For {@code /readyz}. */
    public Readiness readiness() {
        Agent a = current;
        return new Readiness(a.isReady(), a.readiness());
    }

    /** Replaces the running pipelines with {@code next}. */
    public synchronized void reload(PipelineConfig next) throws IOException {
        Agent old = current;
        boolean clean = old.stop(config.agent().shutdownTimeout());
        if (!clean) LOG.log(System.Logger.Level.WARNING, "reload: some records were still in flight; they will be read again");
        Agent fresh = newAgent(next);
        current = fresh;
        config = next;
        fresh.start();
        LOG.log(System.Logger.Level.INFO, "reloaded " + next.source());
    }

    public synchronized boolean stop() { return current.stop(config.agent().shutdownTimeout()); }
}
