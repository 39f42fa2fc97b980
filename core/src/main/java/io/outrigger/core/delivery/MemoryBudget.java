package io.outrigger.core.delivery;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The agent's one memory budget for records in flight ({@code agent.buffer.max_bytes}), in the manner of the
 * Kafka producer's {@code BufferPool}: inputs acquire the estimated bytes of what they hand on and block while the
 * budget is used up; outputs release once a batch is done with. That is the backpressure: a slow output stops the
 * readers instead of growing memory, and nothing is dropped because a buffer is full.
 *
 * <p>A single request larger than the whole budget is let through once the budget is entirely free, so one huge
 * record cannot deadlock the agent; memory then peaks at that one request.
 *
 * <p>While an acquirer waits, the budget is <em>exhausted</em>: as in the Kafka producer's accumulator, outputs
 * then send what they hold at once instead of waiting for a fuller batch, since no more records can arrive until
 * they free some room ({@link #onExhausted} wakes them).
 */
public final class MemoryBudget {

    private final long max;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    private long used;
    private long blockedNanos;
    /** Sum of the {@code nanoTime} at which each current waiter started, so ongoing waits count too. */
    private long waitStarts;
    /** Acquirers waiting for room; written under the lock, read without it by batchers. */
    private volatile int waiting;
    private final List<Runnable> exhaustedListeners = new CopyOnWriteArrayList<>();

    public MemoryBudget(long maxBytes) {
        if (maxBytes <= 0) throw new IllegalArgumentException("budget must be positive: " + maxBytes);
        this.max = maxBytes;
    }

    /** Takes {@code bytes} from the budget, waiting as long as needed. */
    public void acquire(long bytes) throws InterruptedException {
        if (!tryAcquire(bytes, Long.MAX_VALUE, TimeUnit.NANOSECONDS)) throw new AssertionError("unbounded wait ended");
    }

    /** Takes {@code bytes}, waiting at most {@code timeout}; false if the budget stayed full that long. */
    public boolean tryAcquire(long bytes, long timeout, TimeUnit unit) throws InterruptedException {
        if (bytes < 0) throw new IllegalArgumentException("bytes must not be negative: " + bytes);
        long remaining = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            if (fits(bytes)) {
                used += bytes;
                return true;
            }
            long start = System.nanoTime();
            waiting++;
            waitStarts += start;
            for (Runnable l : exhaustedListeners) l.run();
            try {
                while (!fits(bytes)) {
                    if (remaining <= 0) return false;
                    remaining = freed.awaitNanos(remaining);
                }
            } finally {
                waiting--;
                waitStarts -= start;
                blockedNanos += System.nanoTime() - start;
            }
            used += bytes;
            return true;
        } finally {
            lock.unlock();
        }
    }

    private boolean fits(long bytes) { return used + bytes <= max || used == 0; }

    public void release(long bytes) {
        if (bytes == 0) return;
        lock.lock();
        try {
            used -= bytes;
            if (used < 0) throw new IllegalStateException("released more than acquired (" + used + ")");
            if (waiting > 0) freed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public long max() { return max; }

    /** True while an acquirer waits for room: holders of records should hand them on now. */
    public boolean exhausted() { return waiting > 0; }

    /**
     * Runs {@code listener} each time an acquirer starts waiting (with this budget's lock held: the listener must
     * be quick and must not call back into the budget).
     */
    public void onExhausted(Runnable listener) { exhaustedListeners.add(listener); }

    public long used() {
        lock.lock();
        try {
            return used;
        } finally {
            lock.unlock();
        }
    }

    /** Total time acquirers spent waiting for room, in nanoseconds, including waits still going on. */
    public long blockedNanos() {
        lock.lock();
        try {
            return blockedNanos + (waiting * System.nanoTime() - waitStarts);
        } finally {
            lock.unlock();
        }
    }
}
