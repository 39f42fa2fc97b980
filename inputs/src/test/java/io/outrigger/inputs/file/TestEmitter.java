package io.outrigger.inputs.file;

import io.outrigger.core.event.LogRecord;
import io.outrigger.core.pipeline.Emitter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** Collects records; releases their finalizers on demand (outputs acknowledging) and can block (backpressure). */
final class TestEmitter implements Emitter {

    private final List<LogRecord> records = new ArrayList<>();
    private final List<String> ended = new ArrayList<>();
    private int released;
    private volatile boolean autoRelease;
    private volatile CountDownLatch gate;
    volatile int emitCalls;

    @Override public void emit(List<LogRecord> batch) throws InterruptedException {
        CountDownLatch g = gate;
        if (g != null) g.await();
        synchronized (this) {
            records.addAll(batch);
            emitCalls++;
        }
        if (autoRelease) releaseAll();
    }

    @Override public synchronized void endOfStream(String streamId) { ended.add(streamId); }

    TestEmitter autoRelease(boolean on) {
        autoRelease = on;
        return this;
    }

    /** From now on emit() blocks until {@link #unblock()}. */
    void block() { gate = new CountDownLatch(1); }

    void unblock() {
        CountDownLatch g = gate;
        gate = null;
        if (g != null) g.countDown();
    }

    /** Releases every record not yet released. */
    void releaseAll() {
        List<LogRecord> todo;
        synchronized (this) {
            todo = new ArrayList<>(records.subList(released, records.size()));
            released = records.size();
        }
        for (LogRecord r : todo) r.finalizer().release();
    }

    /** Releases the given record (by index) only. */
    void release(int index) { records().get(index).finalizer().release(); }

    synchronized List<LogRecord> records() { return new ArrayList<>(records); }

    synchronized List<String> messages() {
        List<String> out = new ArrayList<>();
        for (LogRecord r : records) out.add(r.message());
        return out;
    }

    synchronized int size() { return records.size(); }

    synchronized List<String> ended() { return new ArrayList<>(ended); }

    synchronized void clear() {
        records.clear();
        released = 0;
    }
}
