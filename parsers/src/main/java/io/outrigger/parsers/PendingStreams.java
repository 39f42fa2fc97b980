package io.outrigger.parsers;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Records being joined, per stream ({@code Origin.streamId}) and per slot within it (CRI/Docker keep stdout and
 * stderr apart). Timeouts are measured in ticks: a pending record is stamped with the last tick time whenever it
 * grows and released by the first tick at least {@code timeout} later, so tests drive it with explicit times.
 */
final class PendingStreams {

    static final int SLOTS = 3;

    private final Map<String, Pending[]> streams = new LinkedHashMap<>();
    private final long timeoutNanos;
    private long lastTick;
    private int count;

    PendingStreams(long timeoutNanos) { this.timeoutNanos = timeoutNanos; }

    boolean isEmpty() { return count == 0; }

    long stamp() { return lastTick; }

    Pending get(String streamId, int slot) {
        if (count == 0) return null;
        Pending[] s = streams.get(streamId);
        return s == null ? null : s[slot];
    }

    void put(String streamId, int slot, Pending p) {
        Pending[] s = streams.computeIfAbsent(streamId, k -> new Pending[SLOTS]);
        if (s[slot] == null) count++;
        s[slot] = p;
    }

    Pending remove(String streamId, int slot) {
        Pending[] s = streams.get(streamId);
        if (s == null || s[slot] == null) return null;
        Pending p = s[slot];
        s[slot] = null;
        count--;
        if (s[0] == null && s[1] == null && s[2] == null) streams.remove(streamId);
        return p;
    }

    /** Releases pending records that did not grow for the timeout. */
    void tick(long nowNanos, Consumer<Pending> emit) {
        lastTick = nowNanos;
        if (count == 0) return;
        Iterator<Map.Entry<String, Pending[]>> it = streams.entrySet().iterator();
        while (it.hasNext()) {
            Pending[] s = it.next().getValue();
            boolean empty = true;
            for (int i = 0; i < SLOTS; i++) {
                Pending p = s[i];
                if (p == null) continue;
                if (p.stamp == 0) {
                    p.stamp = nowNanos;
                } else if (nowNanos - p.stamp >= timeoutNanos) {
                    s[i] = null;
                    count--;
                    emit.accept(p);
                    continue;
                }
                empty = false;
            }
            if (empty) it.remove();
        }
    }

    void endOfStream(String streamId, Consumer<Pending> emit) {
        Pending[] s = streams.remove(streamId);
        if (s == null) return;
        for (Pending p : s) {
            if (p != null) {
                count--;
                emit.accept(p);
            }
        }
    }

    void flush(Consumer<Pending> emit) {
        for (Pending[] s : streams.values()) {
            for (Pending p : s) if (p != null) emit.accept(p);
        }
        streams.clear();
        count = 0;
    }
}
