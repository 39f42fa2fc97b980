package io.outrigger.agent.runtime;

import io.outrigger.core.event.LogRecord;
import io.outrigger.agent.config.InputSpec;
import io.outrigger.agent.config.OutputSpec;
import io.outrigger.agent.config.PipelineConfig;
import io.outrigger.agent.config.PipelineSpec;
import io.outrigger.agent.config.StageSpec;
import io.outrigger.agent.tap.Tap;
import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.delivery.DeadLetters;
import io.outrigger.core.delivery.MemoryBudget;
import io.outrigger.core.delivery.OutputRunner;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Input;
import io.outrigger.core.telemetry.Metrics;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running agent: the outputs' senders, the pipelines' chains and the inputs, wired from a loaded
 * {@link PipelineConfig}. Start order is outputs, then inputs; stop order is the reverse: stop reading, flush what
 * stages hold, drain the outputs until {@code shutdown_timeout}, save checkpoints. Checkpoints only ever cover
 * acknowledged records, so a stop that runs out of time loses nothing: what was not acknowledged is read again.
 *
 * <p>One timer thread ({@link #scheduler}) runs every timed duty, and only while it has work: stage ticks while a
 * stage holds records, a checkpoint write {@code checkpoint_interval} after a checkpoint changed (again after a
 * failed write), retries. An idle agent has nothing scheduled, so it does not wake up.
 */
public final class Agent {

    private static final System.Logger LOG = System.getLogger(Agent.class.getName());
    private static final long TICK_MILLIS = 100;
    /** The heap grew by more than this since start: worth a trim. */
    private static final long TRIM_GROWTH_BYTES = 4L << 20;

    private final PipelineConfig config;
    private final Metrics metrics;
    private final InstantSource clock;
    private final ScheduledThreadPoolExecutor scheduler;
    private final CheckpointStore checkpoints;
    private MemoryBudget budget;
    private final Map<String, OutputRunner> outputs = new LinkedHashMap<>();
    private final Map<String, Input> inputs = new LinkedHashMap<>();
    private final List<InputEmitter> emitters = new ArrayList<>();
    private final AtomicBoolean tickScheduled = new AtomicBoolean();
    private final AtomicBoolean saveScheduled = new AtomicBoolean();
    private final AtomicBoolean trimScheduled = new AtomicBoolean();
    private final long startHeapBytes = Runtime.getRuntime().totalMemory();
    private volatile long lastSaveNanos;
    /** How long after the last checkpoint write the heap is trimmed (see {@link #trimHeap}). */
    private long trimAfterNanos = TimeUnit.SECONDS.toNanos(30);
    private Tap tap; // set by wire(), like the budget
    private volatile boolean started;
    private volatile boolean stopping;
    /** Why the last checkpoint write failed, null while they succeed. */
    private volatile String checkpointProblem;

    public Agent(PipelineConfig config, Map<String, String> env) throws IOException {
        this(config, env, new Metrics(new PrometheusRegistry()), InstantSource.system());
    }

    public Agent(PipelineConfig config, Map<String, String> env, Metrics metrics, InstantSource clock) throws IOException {
        this(config, env, metrics, clock, CheckpointStore.open(config.agent().dataDir()));
    }

    /**
     * An agent on an open checkpoint store: a reload's new agent shares the running one's, so that its inputs,
     * started after the old ones stopped, go on from exactly what the old ones had acknowledged.
     */
    Agent(PipelineConfig config, Map<String, String> env, Metrics metrics, InstantSource clock, CheckpointStore checkpoints) {
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
        this.checkpoints = checkpoints;
        metrics.counter("outrigger_checkpoint_write_errors_total", "Failed checkpoint writes");
        this.scheduler = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("outrigger-timer").daemon(true).factory());
        scheduler.setRemoveOnCancelPolicy(true);
        try {
            wire(env);
        } catch (RuntimeException e) {
            outputs.values().forEach(OutputRunner::close);
            scheduler.shutdownNow();
            throw e;
        }
    }

    private void wire(Map<String, String> env) {
        if (checkpoints.recoveredFromCorruption() != null) {
            LOG.log(System.Logger.Level.ERROR, checkpoints.recoveredFromCorruption());
            metrics.counter("outrigger_checkpoint_corruptions_total", "Checkpoint files found unreadable at start").inc();
        }
        this.budget = new MemoryBudget(config.agent().bufferBytesFor(
                config.outputs().values().stream().map(OutputSpec::config).toList()));
        DeadLetters deadLetters = new DeadLetters(config.agent().dataDir().resolve("dead-letters"), 1L << 30);
        ComponentContext base = new ComponentContext("", metrics, clock, scheduler, config.agent().dataDir(), checkpoints, env);

        for (OutputSpec spec : config.outputs().values()) {
            outputs.put(spec.name(), new OutputRunner(spec.name(), spec.create(base.withName(spec.name())), spec.config(),
                    budget, deadLetters, metrics, clock, scheduler, () -> ThreadLocalRandom.current().nextDouble()));
        }
        if (config.agent().httpTap()) {
            Map<String, List<String>> outputsOf = new java.util.LinkedHashMap<>();
            Map<String, java.util.Set<String>> stagesOf = new java.util.LinkedHashMap<>();
            for (PipelineSpec p : config.pipelines().values()) {
                outputsOf.put(p.name(), p.to());
                stagesOf.put(p.name(), Stages.points(p.stages(), ""));
            }
            tap = new Tap(outputsOf, stagesOf, metrics);
        } else {
            tap = null;
        }
        for (InputSpec spec : config.inputs().values()) {
            List<InputEmitter.Route> routes = new ArrayList<>();
            for (PipelineSpec p : config.pipelines().values()) {
                if (!p.from().contains(spec.name())) continue;
                StageChain chain = new StageChain(p.name(), Stages.create(p.stages(), base.withName(p.name()), tap, p.name(), ""),
                        p.stages().stream().map(StageSpec::type).toList(), metrics);
                if (tap != null) chain.tapInto(tap);
                routes.add(InputEmitter.route(chain, p.to().stream().map(outputs::get).toList(), metrics));
            }
            emitters.add(new InputEmitter(spec.name(), routes, budget, clock, this::scheduleTick));
            inputs.put(spec.name(), spec.create(base.withName(spec.name())));
        }
        registerAgentMetrics();
    }

    private void registerAgentMetrics() {
        PrometheusRegistry r = metrics.registry();
        GaugeWithCallback.builder().name("outrigger_buffer_bytes_used").help("Estimated bytes of records in flight")
                .callback(cb -> cb.call(budget.used())).register(r);
        GaugeWithCallback.builder().name("outrigger_buffer_bytes_max").help("The memory budget for records in flight (agent.buffer.max_bytes)")
                .callback(cb -> cb.call(budget.max())).register(r);
        CounterWithCallback.builder().name("outrigger_buffer_blocked_seconds_total").help("Time inputs spent blocked by backpressure")
                .callback(cb -> cb.call(budget.blockedNanos() / 1e9)).register(r);
        GaugeWithCallback.builder().name("outrigger_checkpoint_age_seconds").help("Seconds since checkpoints were last written")
                .callback(cb -> {
                    long last = checkpoints.lastFlushMillis();
                    // written only when changed: while nothing changed, what is stored is current
                    cb.call(last == 0 || !checkpoints.changed() ? 0 : (clock.millis() - last) / 1000.0);
                }).register(r);
    }

    public Metrics metrics() { return metrics; }

    /** The tap of {@code outrigger tap}, null unless {@code agent.http.tap} is true. */
    public Tap tap() { return tap; }

    public MemoryBudget budget() { return budget; }

    CheckpointStore checkpoints() { return checkpoints; }

    /** For tests: the quiet time before the heap is trimmed (30 s). Call before {@link #start}. */
    void trimAfter(java.time.Duration quiet) { trimAfterNanos = quiet.toNanos(); }

    /** Timed duties waiting on the timer thread (ticks, a checkpoint write, retries, a trim): none while idle. */
    int timedDutiesPending() { return scheduler.getQueue().size(); }

    public synchronized void start() {
        startOutputs();
        startInputs();
    }

    /** Starts the outputs' senders: what a reload starts before it stops the running agent. */
    synchronized void startOutputs() {
        outputs.values().forEach(OutputRunner::start);
    }

    /** Starts reading; checkpoint writes and stage ticks are scheduled as they are needed from here on. */
    synchronized void startInputs() {
        int i = 0;
        for (Map.Entry<String, Input> e : inputs.entrySet()) e.getValue().start(emitters.get(i++));
        checkpoints.onChange(this::scheduleSave); // a reload's new agent takes the shared store's changes over
        if (checkpoints.changed()) scheduleSave();
        for (InputEmitter e : emitters) if (e.holding()) scheduleTick();
        started = true;
        LOG.log(System.Logger.Level.INFO, "started: " + inputs.size() + " inputs, " + config.pipelines().size()
                + " pipelines, " + outputs.size() + " outputs; data_dir " + config.agent().dataDir());
    }

    /** A stage started to hold records: tick the chains in {@value #TICK_MILLIS} ms, unless a tick is due anyway. */
    private void scheduleTick() {
        if (tickScheduled.get() || !tickScheduled.compareAndSet(false, true)) return;
        try {
            scheduler.schedule(this::tick, TICK_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // stopping: stop() flushes what stages hold
        }
    }

    private void tick() {
        tickScheduled.set(false); // a chain that starts holding from here on schedules the next one itself
        long now = LogRecord.epochNanos(clock.instant());
        boolean again = false;
        try {
            for (InputEmitter e : emitters) again |= e.tick(now);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "stage tick failed; trying again", e);
            again = true;
        }
        if (again && !stopping) scheduleTick();
    }

    /**
     * A checkpoint changed (or the last write failed): write them all {@code checkpoint_interval} from now, unless
     * a write is due anyway.
     */
    private void scheduleSave() {
        if (saveScheduled.get() || !saveScheduled.compareAndSet(false, true)) return;
        try {
            scheduler.schedule(() -> {
                saveScheduled.set(false); // a change from here on schedules the next write
                if (!saveCheckpoints()) {
                    scheduleSave(); // retried until it works
                    return;
                }
                lastSaveNanos = System.nanoTime();
                scheduleTrim(trimAfterNanos);
            }, config.agent().checkpointInterval().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            saveScheduled.set(false); // stopping: stop() saves them
        }
    }

    private void scheduleTrim(long delayNanos) {
        if (trimScheduled.get() || !trimScheduled.compareAndSet(false, true)) return;
        try {
            scheduler.schedule(this::trimHeap, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            trimScheduled.set(false);
        }
    }

    /**
     * Gives back the heap a burst of work grew, once the agent has been quiet for a while (no checkpoint written
     * for 30 s): the serial collector shrinks the heap only after a full collection (to what
     * {@code -XX:MaxHeapFreeRatio} allows), and an idle agent collects nothing, so without this the heap of the
     * busiest minute would stay resident. One full collection per quiet spell after the heap grew, none otherwise.
     */
    private void trimHeap() {
        trimScheduled.set(false);
        long quietFor = System.nanoTime() - lastSaveNanos;
        if (quietFor < trimAfterNanos) {
            scheduleTrim(trimAfterNanos - quietFor); // still busy: look again when it may have gone quiet
            return;
        }
        if (stopping || Runtime.getRuntime().totalMemory() <= startHeapBytes + TRIM_GROWTH_BYTES) return;
        System.gc();
    }

    /**
     * Writes the checkpoints; false when that failed. A failure is counted each time, makes the agent not ready and
     * is logged when it starts and when it ends (not at every attempt).
     */
    private boolean saveCheckpoints() {
        try {
            checkpoints.flush();
            if (checkpointProblem != null) {
                LOG.log(System.Logger.Level.INFO, "checkpoints are written again under " + config.agent().dataDir());
                checkpointProblem = null;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            String reason = e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason() : e.toString();
            if (checkpointProblem == null) {
                LOG.log(System.Logger.Level.ERROR, "could not write checkpoints under " + config.agent().dataDir() + " (agent.data_dir): "
                        + reason + "; retrying, and until then what is delivered would be sent again after a restart");
            }
            // counted before it shows: whoever sees the problem (readiness, a test) also sees it counted
            metrics.counter("outrigger_checkpoint_write_errors_total", "Failed checkpoint writes").inc();
            checkpointProblem = "failing: cannot write " + config.agent().dataDir() + ": " + reason;
            return false;
        }
    }

    /** Why checkpoints cannot be written (for readiness and the shutdown message), null while they can. */
    public String checkpointProblem() { return checkpointProblem; }

    /** True once started and not stopping, and every input is reading. */
    public Map<String, String> readiness() {
        Map<String, String> status = new LinkedHashMap<>();
        inputs.forEach((n, in) -> status.put("inputs." + n, !started ? "starting" : stopping ? "stopping" : in.isReady() ? "ready" : "not ready"));
        outputs.forEach((n, o) -> {
            String problem = o.problem();
            status.put("outputs." + n, problem == null ? "ready" : problem);
        });
        String checkpointing = checkpointProblem;
        if (checkpointing != null) status.put("checkpoints", checkpointing);
        return status;
    }

    /** For {@code /healthz}: the agent's own threads are running (or it is stopping on purpose). */
    public boolean isAlive() {
        if (!started || stopping) return true;
        return !scheduler.isShutdown() && outputs.values().stream().allMatch(OutputRunner::isAlive);
    }

    public boolean isReady() {
        return started && !stopping && readiness().values().stream().allMatch("ready"::equals);
    }

    /**
     * Stops gracefully within {@code timeout}: inputs stop reading, stages release what they hold, outputs drain,
     * checkpoints are saved. Returns true when everything in flight was delivered or dead-lettered and the
     * checkpoints saying so were written ({@link #checkpointProblem()} tells when they could not be).
     */
    public boolean stop(java.time.Duration timeout) {
        stopping = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean clean = true;
        try {
            for (Map.Entry<String, Input> e : inputs.entrySet()) {
                try {
                    e.getValue().stop(deadline);
                } catch (RuntimeException ex) {
                    LOG.log(System.Logger.Level.WARNING, "input " + e.getKey() + " did not stop cleanly: " + ex);
                }
            }
            for (InputEmitter e : emitters) e.flush();
            for (OutputRunner o : outputs.values()) {
                if (!o.drain(deadline)) {
                    clean = false;
                    LOG.log(System.Logger.Level.WARNING, "output " + o.name()
                            + " still had records in flight at the shutdown deadline; they will be read again after restart");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            clean = false;
        } finally {
            outputs.values().forEach(OutputRunner::close);
            scheduler.shutdownNow();
            if (!saveCheckpoints()) clean = false;
        }
        return clean;
    }

    /** Saves what is acknowledged now; for a forced exit. */
    public void saveCheckpointsNow() { saveCheckpoints(); }
}
