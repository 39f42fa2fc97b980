package io.outrigger.core.checkpoint;

import io.outrigger.core.pipeline.Finalizer;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * Tracks what of one stream (a file incarnation) is acknowledged, in the manner of Kafka Connect's
 * {@code SubmittedRecords}: the reader submits chunks in offset order, each with how many records it holds; the
 * committable offset advances only across an unbroken run of chunks whose records were all released, never past
 * one still in flight. A chunk ends at a line boundary, so the offset is never inside a partial line.
 *
 * <p>Thread-safe: the reader submits from its thread; outputs release from theirs.
 */
public final class OffsetTracker {

    private final ArrayDeque<Chunk> pending = new ArrayDeque<>();
    private final LongConsumer onAdvance;
    private volatile long committed;
    private long submitted;

    /**
     * @param startOffset where reading starts (the checkpoint, or 0)
     * @param onAdvance   called with the new committed offset each time it moves (on a releasing thread)
     */
    public OffsetTracker(long startOffset, LongConsumer onAdvance) {
        this.committed = startOffset;
        this.submitted = startOffset;
        this.onAdvance = onAdvance;
    }

    /**
     * Registers a chunk of {@code records} records ending at {@code endOffset}; returns the finalizer to put on
     * each of them. A chunk with no records (only empty lines) counts as acknowledged at once.
     */
    public Finalizer submit(long endOffset, int records) {
        Chunk c = new Chunk(endOffset, records);
        synchronized (this) {
            if (endOffset < submitted) {
                throw new IllegalArgumentException("chunk ends at " + endOffset + ", before the last one (" + submitted + ")");
            }
            submitted = endOffset;
            pending.addLast(c);
        }
        if (records == 0) advance();
        return c;
    }

    /** The offset up to which everything is acknowledged. */
    public long committed() { return committed; }

    /** The end of the last submitted chunk. */
    public synchronized long submitted() { return submitted; }

    /** Chunks submitted and not yet acknowledged. */
    public synchronized int inFlightChunks() { return pending.size(); }

    private void advance() {
        long moved = -1;
        synchronized (this) {
            Chunk head;
            while ((head = pending.peekFirst()) != null && head.remaining.get() <= 0) {
                pending.pollFirst();
                moved = head.endOffset;
            }
            if (moved >= 0) committed = moved;
        }
        if (moved >= 0) onAdvance.accept(moved);
    }

    private final class Chunk implements Finalizer {
        final long endOffset;
        final AtomicInteger remaining;

        Chunk(long endOffset, int records) {
            this.endOffset = endOffset;
            this.remaining = new AtomicInteger(records);
        }

        @Override public void retain(int count) { remaining.addAndGet(count); }

        @Override public void release() {
            int left = remaining.decrementAndGet();
            if (left == 0) advance();
            else if (left < 0) throw new IllegalStateException("chunk ending at " + endOffset + " released more often than retained");
        }

        @Override public String toString() { return "Chunk[end=" + endOffset + ", remaining=" + remaining.get() + "]"; }
    }
}
