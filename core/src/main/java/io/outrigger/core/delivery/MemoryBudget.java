package io.outrigger.core.delivery;

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
 */
public final class MemoryBudget {

    private final long max;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    private long used;
    private long blockedNanos;
    private int waiting;
    private long waitStarts; // sum of the System.nanoTime() at which the current waits began

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

    public long used() {
        lock.lock();
        try {
            return used;
        } finally {
            lock.unlock();
        }
    }

    /** Total time acquirers spent waiting for room, in nanoseconds, the waits still going on included. */
    public long blockedNanos() {
        lock.lock();
        try {
            return blockedNanos + waiting * System.nanoTime() - waitStarts;
        } finally {
            lock.unlock();
        }
    }
}
