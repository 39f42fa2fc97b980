package io.outrigger.agent.tap;

import io.outrigger.core.event.LogRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One tap client's records: a bounded queue filled from the pipelines' threads without ever waiting, drained by
 * the client's writer. Over the per-second cap or with the queue full, a record is dropped and counted.
 */
public final class Subscription implements AutoCloseable {

    private final Tap tap;
    private final TapFilter filter;
    private final TapFilter.Test test;
    private final ArrayBlockingQueue<LogRecord> queue;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;
    // sampling and the per-second cap: guarded by this
    private double sampleCredit;
    private long windowStartNanos = System.nanoTime();
    private int inWindow;

    Subscription(Tap tap, TapFilter filter, int capacity) {
        this.tap = tap;
        this.filter = filter;
        this.test = filter.test();
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    public TapFilter filter() { return filter; }

    void offer(String pipeline, String point, LogRecord record) {
        if (closed || !at(pipeline, point, record) || !test.matches(record)) return;
        synchronized (this) {
            sampleCredit += filter.sample();
            if (sampleCredit < 1) return;
            sampleCredit -= 1;
            long now = System.nanoTime();
            if (now - windowStartNanos >= 1_000_000_000L) {
                windowStartNanos = now;
                inWindow = 0;
            }
            if (inWindow >= filter.perSecond()) {
                drop(false);
                return;
            }
            inWindow++;
        }
        if (!queue.offer(record)) drop(true);
    }

    private void drop(boolean slow) {
        dropped.incrementAndGet();
        tap.countDropped(slow);
    }

    private boolean at(String pipeline, String point, LogRecord record) {
        if (filter.output() != null) return point.equals(Tap.END) && tap.routesTo(pipeline, filter.output());
        if (filter.pipeline() != null && !filter.pipeline().equals(pipeline)) return false;
        if (!point.equals(filter.point())) return false;
        return !point.equals(Tap.INPUT) || filter.input() == null || filter.input().equals(record.origin().input());
    }

    /** Waits up to {@code timeoutMillis} for records; returns those queued (possibly none). */
    public List<LogRecord> poll(long timeoutMillis) throws InterruptedException {
        List<LogRecord> out = new ArrayList<>();
        LogRecord first = queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        if (first == null) return out;
        out.add(first);
        queue.drainTo(out, 255);
        tap.countSent(out.size());
        return out;
    }

    /** Records dropped so far (the client was slow, or over its cap). */
    public long dropped() { return dropped.get(); }

    @Override public void close() {
        closed = true;
        tap.remove(this);
        queue.clear();
    }
}
