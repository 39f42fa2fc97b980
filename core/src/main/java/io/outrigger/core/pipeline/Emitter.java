package io.outrigger.core.pipeline;

import io.outrigger.core.event.LogRecord;
import java.util.List;

/**
 * Where an input hands its records. {@link #emit} blocks while the agent's memory budget is used up: that is the
 * backpressure that slows reading when outputs are slow. Inputs pass records in chunks (one read block) so the
 * per-record cost stays a loop iteration, not a lock.
 */
public interface Emitter {

    /**
     * Runs the records through the pipelines fed by this input and queues them for their outputs. Blocks while
     * the buffer is full.
     *
     * @throws InterruptedException when the agent is stopping; records not yet accepted are not acknowledged,
     *                              so their source will read them again after a restart
     */
    void emit(List<LogRecord> records) throws InterruptedException;

    /**
     * Tells stateful stages (multiline, partial-line joining) that a stream ended (file rotated away, deleted or
     * idle at EOF), so they release what they hold for it.
     */
    default void endOfStream(String streamId) throws InterruptedException {}
}
