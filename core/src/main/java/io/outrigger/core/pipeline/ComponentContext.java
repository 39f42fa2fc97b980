package io.outrigger.core.pipeline;

import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.telemetry.Metrics;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the agent gives each component it creates. Everything cross-cutting comes in here, never through statics:
 * metrics, the clock, a shared scheduler for timers, the data directory and the checkpoint store, the environment
 * for {@code ${VAR}} lookups in stage templates.
 *
 * @param name        the component's configured name ({@code inputs.<name>}, {@code outputs.<name>}) or, for a
 *                    stage, {@code <pipeline>}
 * @param dataDir     the agent's data directory; null in dry runs (no state may be written then)
 * @param checkpoints the agent's checkpoint store; {@link CheckpointStore#inMemory()} in dry runs
 */
public record ComponentContext(String name, Metrics metrics, InstantSource clock, ScheduledExecutorService scheduler,
                               Path dataDir, CheckpointStore checkpoints, Map<String, String> env) {

    public ComponentContext withName(String newName) {
        return new ComponentContext(newName, metrics, clock, scheduler, dataDir, checkpoints, env);
    }
}
