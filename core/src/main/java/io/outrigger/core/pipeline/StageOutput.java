package io.outrigger.core.pipeline;

import io.outrigger.core.event.LogRecord;

/** What a {@link Stage} passes its results to. */
public interface StageOutput {

    /** Passes a record on to the next stage. */
    void accept(LogRecord record);

    /**
     * Drops a record on purpose. The pipeline counts it under {@code reason} (a short fixed word such as
     * {@code "filtered"}, never raw error text) and releases its finalizer, so its source may commit past it.
     */
    void drop(LogRecord record, String reason);
}
