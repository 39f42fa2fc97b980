package io.outrigger.core.pipeline;

import io.outrigger.core.event.LogRecord;

/**
 * One step of a pipeline: a parser or a processor. A stage instance is used by one thread at a time (each input
 * gets its own chain), so it may keep per-stream state without locks; state is keyed by
 * {@link io.outrigger.core.event.Origin#streamId()}.
 *
 * <p>A stage that keeps records back (multiline joining) must give them out from {@link #tick},
 * {@link #endOfStream} or {@link #flush}; their finalizers stay unreleased meanwhile, so the source's checkpoint
 * cannot move past them.
 */
public interface Stage {

    /** Processes one record, passing zero or more records to {@code out}. */
    void process(LogRecord record, StageOutput out);

    /**
     * Called about every 100 ms with the current time in epoch nanoseconds, to release timed-out state, while any
     * stage of the chain is {@link #holding()} records (and at least once before records come after a quiet time, so
     * the stage's clock is current).
     */
    default void tick(long nowNanos, StageOutput out) {}

    /**
     * True while this stage keeps records back that only {@link #tick}, {@link #endOfStream} or {@link #flush}
     * give out. The agent ticks a chain only then: an idle pipeline wakes nothing up.
     */
    default boolean holding() { return false; }

    /** The stream ended (rotated, deleted, idle at EOF): release what is held for it. */
    default void endOfStream(String streamId, StageOutput out) {}

    /** Release everything held (shutdown, end of dry-run input). */
    default void flush(StageOutput out) {}
}
