package io.outrigger.parsers.metrics;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The label combinations one metric has, capped at {@code max_series}, shared by every stage instance that feeds the
 * metric (a stage is created once per input feeding its pipeline, and the metrics facade hands all of them the same
 * metric object). Stage instances cache admitted combinations locally, so this is only consulted for a combination
 * an instance has not seen yet.
 */
final class SeriesLimit {

    /**
     * Keyed by the metric object itself, which is unique per agent registry and name; weak, so a registry that is
     * dropped (a test, a dry run) takes its limits with it. Only used when stages are created.
     */
    private static final Map<Object, SeriesLimit> BY_METRIC = Collections.synchronizedMap(new WeakHashMap<>());

    private final int max;
    private final String type;
    private final List<String> labelNames;
    private final Set<List<String>> series = ConcurrentHashMap.newKeySet();
    private volatile boolean full;

    private SeriesLimit(int max, String type, List<String> labelNames) {
        this.max = max;
        this.type = type;
        this.labelNames = labelNames;
    }

    /**
     * The limit of {@code metric}, made on first use. A second definition of the same metric (another pipeline) must
     * have the same type and label names; its {@code max_series} is ignored (the first one counts).
     */
    static SeriesLimit of(Object metric, String name, int max, String type, List<String> labelNames) {
        SeriesLimit l;
        synchronized (BY_METRIC) {
            l = BY_METRIC.computeIfAbsent(metric, m -> new SeriesLimit(max, type, List.copyOf(labelNames)));
        }
        if (!l.type.equals(type) || !l.labelNames.equals(labelNames)) {
            throw new IllegalArgumentException("metric " + name + " is already defined by another metrics stage as a " + l.type
                    + " with labels " + l.labelNames + "; this one is a " + type + " with labels " + labelNames
                    + ": give it another name or the same type and labels");
        }
        return l;
    }

    /** True if the combination exists or could be added; false once the limit is reached and it is new. */
    boolean admit(List<String> labelValues) {
        if (series.contains(labelValues)) return true;
        if (full) return false;
        synchronized (this) {
            if (series.contains(labelValues)) return true;
            if (series.size() >= max) {
                full = true;
                return false;
            }
            series.add(labelValues);
            return true;
        }
    }

    int size() { return series.size(); }
}
