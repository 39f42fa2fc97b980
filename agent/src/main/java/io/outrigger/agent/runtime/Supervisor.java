package io.outrigger.agent.runtime;

import io.outrigger.agent.config.PipelineConfig;
import io.outrigger.agent.http.AgentHttpServer;
import io.outrigger.agent.http.Readiness;
import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.telemetry.Metrics;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Owns the running {@link Agent} across config reloads. A reload builds the new agent first (outputs, stages and
 * inputs created, the outputs started), and only then stops the running one gracefully (stop reading, release what
 * stages hold, drain outputs, save checkpoints), switches, and starts the new inputs on the same checkpoint store, so
 * checkpoints carry over and nothing acknowledged is read twice, nothing unacknowledged is lost. A new config that
 * cannot be built leaves the running one untouched; the failure shows in {@code /readyz} (component {@code config})
 * and in {@code outrigger_config_reload_failures_total} / {@code outrigger_config_last_reload_successful}. Each agent
 * has its own metrics registry; the HTTP endpoints always serve the current one.
 */
public final class Supervisor {

    private static final System.Logger LOG = System.getLogger(Supervisor.class.getName());

    private final Map<String, String> env;
    private final AtomicLong reloadFailures = new AtomicLong();
    private volatile Agent current;
    private volatile PipelineConfig config;
    /** Why the last reload was refused, null when it succeeded (or there was none). */
    private volatile String reloadProblem;

    public Supervisor(PipelineConfig config, Map<String, String> env) throws IOException {
        this.env = env;
        this.config = config;
        this.current = newAgent(config, null);
    }

    private Agent newAgent(PipelineConfig c, CheckpointStore shared) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        CounterWithCallback.builder().name("outrigger_config_reload_failures_total")
                .help("Reloads refused (invalid config, or one that could not be built); the running config stays")
                .callback(cb -> cb.call(reloadFailures.get())).register(registry);
        GaugeWithCallback.builder().name("outrigger_config_last_reload_successful")
                .help("1 when the last reload succeeded (or there was none), 0 when it was refused")
                .callback(cb -> cb.call(reloadProblem == null ? 1 : 0)).register(registry);
        // the JVM metrics are added by /metrics on the first scrape (AgentHttpServer.registerJvmMetrics)
        Metrics metrics = new Metrics(registry);
        return shared == null ? new Agent(c, env, metrics, InstantSource.system())
                : new Agent(c, env, metrics, InstantSource.system(), shared);
    }

    public void start() { current.start(); }

    public Agent agent() { return current; }

    public PipelineConfig config() { return config; }

    /** The registry of the running agent, for {@code /metrics}. */
    public Supplier<PrometheusRegistry> registry() { return () -> current.metrics().registry(); }

    /** For {@code /readyz}: the agent's components, and {@code config} when the last reload was refused. */
    public Readiness readiness() {
        Agent a = current;
        Map<String, String> components = new LinkedHashMap<>(a.readiness());
        String refused = reloadProblem;
        if (refused != null) components.put("config", "reload refused, running the previous config: " + refused);
        return new Readiness(a.isReady(), components);
    }

    /** Records a reload refused before it reached {@link #reload} (the new file is invalid). */
    public void reloadRefused(String reason) {
        reloadFailures.incrementAndGet();
        reloadProblem = reason;
    }

    /**
     * Replaces the running pipelines with {@code next}. When the new agent cannot be built or its outputs started,
     * the running one goes on untouched, the failure is recorded ({@link #readiness()}, metrics) and thrown.
     */
    public synchronized void reload(PipelineConfig next) throws IOException {
        Agent old = current;
        Agent fresh;
        try {
            fresh = newAgent(next, old.checkpoints());
            try {
                fresh.startOutputs();
            } catch (RuntimeException e) {
                fresh.stop(java.time.Duration.ZERO);
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            reloadRefused(String.valueOf(e.getMessage() == null ? e : e.getMessage()));
            throw e;
        }
        boolean clean = old.stop(config.agent().shutdownTimeout());
        if (!clean) LOG.log(System.Logger.Level.WARNING, "reload: some records were still in flight; they will be read again");
        current = fresh;
        config = next;
        reloadProblem = null;
        fresh.startInputs();
        LOG.log(System.Logger.Level.INFO, "reloaded " + next.source());
    }

    public synchronized boolean stop() { return current.stop(config.agent().shutdownTimeout()); }
}
