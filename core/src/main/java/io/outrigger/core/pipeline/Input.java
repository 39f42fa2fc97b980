package io.outrigger.core.pipeline;

/**
 * A source of records. It runs its own thread(s) between {@link #start} and {@link #stop}.
 */
public interface Input {

    /** Starts reading, handing records to {@code emitter}. Returns promptly. */
    void start(Emitter emitter);

    /**
     * Stops reading and releases files and threads, waiting at most until the given deadline
     * ({@link System#nanoTime()} based). Records already emitted stay in flight; their finalizers still advance
     * checkpoints when acknowledged.
     */
    void stop(long deadlineNanos) throws InterruptedException;

    /** True once the input is started and reading (for readiness). */
    default boolean isReady() { return true; }
}
