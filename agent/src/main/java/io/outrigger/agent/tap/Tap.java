package io.outrigger.agent.tap;

import io.outrigger.core.event.LogRecord;
import io.outrigger.core.telemetry.Metrics;
import io.prometheus.metrics.core.metrics.Counter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Copies of the records passing chosen points of a running agent, for {@code outrigger tap}. The pipelines call
 * {@link #offer} at each point; with no subscriber that is one volatile read. A subscriber's filter, sample rate
 * and per-second cap are applied on the pipeline's thread, and what passes goes into the subscriber's bounded
 * queue with {@code offer} (never {@code put}): what the tap cannot keep up with is dropped and counted, and the
 * pipeline never waits for a tap. Records are immutable, so the copy is the record itself.
 */
public final class Tap {

    /** The point before a pipeline's first stage (the records as the input emitted them). */
    public static final String INPUT = "input";
    /** The point after a pipeline's last stage (the records its outputs receive). */
    public static final String END = "end";

    private final Map<String, List<String>> outputsOf;
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private volatile boolean active;
    private final AtomicInteger clients = new AtomicInteger();
    private final io.prometheus.metrics.core.metrics.Gauge clientsGauge;
    private final Counter sent;
    private final Counter dropped;
    private final io.prometheus.metrics.core.datapoints.CounterDataPoint droppedSlow;
    private final io.prometheus.metrics.core.datapoints.CounterDataPoint droppedRate;

    private final Map<String, java.util.Set<String>> stagesOf;

    /**
     * @param outputsOf each pipeline's outputs (to find the records "before output O")
     * @param stagesOf  each pipeline's stage points ({@code "0"}, {@code "1"}, {@code "1.0"} inside a match...)
     */
    public Tap(Map<String, List<String>> outputsOf, Map<String, java.util.Set<String>> stagesOf, Metrics metrics) {
        this.outputsOf = Map.copyOf(outputsOf);
        this.stagesOf = Map.copyOf(stagesOf);
        this.sent = metrics.counter("outrigger_tap_records_sent_total", "Records a tap client was sent");
        this.dropped = metrics.counter("outrigger_tap_records_dropped_total",
                "Records a tap left out because its client could not keep up or its per-second cap was reached", "reason");
        this.clientsGauge = metrics.gauge("outrigger_tap_clients", "Tap clients connected");
        // looked up once: a client that stops reading makes every record a drop
        this.droppedSlow = dropped.labelValues("client_slow");
        this.droppedRate = dropped.labelValues("rate_limited");
    }

    /** True while a client is connected: the pipelines call {@link #offer} only then. */
    public boolean active() { return active; }

    /**
     * A record at {@code point} of {@code pipeline}: {@link #INPUT}, after a stage ({@code "2"}, or {@code "2.0"}
     * for the first stage inside the {@code match} at index 2), or {@link #END}.
     */
    public void offer(String pipeline, String point, LogRecord record) {
        for (Subscription s : subscriptions) s.offer(pipeline, point, record);
    }

    /** Starts a subscription; {@link Subscription#close()} ends it. */
    public Subscription subscribe(TapFilter filter, int queueCapacity) {
        Subscription s = new Subscription(this, filter, queueCapacity);
        subscriptions.add(s);
        clientsGauge.set(clients.incrementAndGet());
        active = true;
        return s;
    }

    void remove(Subscription s) {
        if (subscriptions.remove(s)) clientsGauge.set(clients.decrementAndGet());
        active = !subscriptions.isEmpty();
    }

    boolean routesTo(String pipeline, String output) {
        List<String> to = outputsOf.get(pipeline);
        return to != null && to.contains(output);
    }

    boolean knowsPipeline(String pipeline) { return outputsOf.containsKey(pipeline); }

    java.util.Set<String> pipelines() { return new java.util.TreeSet<>(outputsOf.keySet()); }

    java.util.Set<String> stages(String pipeline) { return stagesOf.getOrDefault(pipeline, java.util.Set.of()); }

    boolean knowsOutput(String output) {
        for (List<String> to : outputsOf.values()) if (to.contains(output)) return true;
        return false;
    }

    void countSent(long n) { sent.inc(n); }

    void countDropped(boolean slow) { (slow ? droppedSlow : droppedRate).inc(); }
}
