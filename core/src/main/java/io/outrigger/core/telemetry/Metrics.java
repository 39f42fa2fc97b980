package io.outrigger.core.telemetry;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * The metrics facade components use. One per agent (passed in through the component context, never static), so
 * tests get a fresh registry each. Asking twice for the same name returns the same metric, so two outputs of one
 * type share {@code outrigger_output_records_sent_total} and tell themselves apart by the {@code output} label.
 *
 * <p>Names follow {@code outrigger_<component>_<noun>_<unit>}; counters end in {@code _total} (give the name
 * with it); label values come from a small fixed set, never raw error text. No exemplars: an agent has no trace
 * to link, and the exemplar sampler would cost a check on every increment in the hot path.
 */
public final class Metrics {

    private final PrometheusRegistry registry;
    private final ConcurrentMap<String, Object> metrics = new ConcurrentHashMap<>();

    public Metrics(PrometheusRegistry registry) { this.registry = registry; }

    /** A metrics facade over a fresh registry, for tests and dry runs. */
    public static Metrics newIsolated() { return new Metrics(new PrometheusRegistry()); }

    public PrometheusRegistry registry() { return registry; }

    public Counter counter(String name, String help, String... labelNames) {
        return get(name, Counter.class, () -> Counter.builder().name(name).help(help).labelNames(labelNames).withoutExemplars().register(registry));
    }

    public Gauge gauge(String name, String help, String... labelNames) {
        return get(name, Gauge.class, () -> Gauge.builder().name(name).help(help).labelNames(labelNames).register(registry));
    }

    /** A histogram; {@code buckets} empty means the library's defaults (suited to seconds). */
    public Histogram histogram(String name, String help, double[] buckets, String... labelNames) {
        return get(name, Histogram.class, () -> {
            Histogram.Builder b = Histogram.builder().name(name).help(help).labelNames(labelNames).withoutExemplars();
            if (buckets.length > 0) b.classicUpperBounds(buckets);
            return b.register(registry);
        });
    }

    /**
     * A gauge computed when scraped: {@code supplier} gives the value for {@code labelValue} of its one label.
     * Several components share the name, each with its own label value (a later one for the same value replaces
     * the earlier); closing the returned handle removes this one. For values that must be true even while the
     * component's own thread is blocked (an input waiting for buffer room).
     */
    public AutoCloseable gaugeFunction(String name, String help, String labelName, String labelValue, DoubleSupplier supplier) {
        FunctionGauge g = get(name, FunctionGauge.class, () -> new FunctionGauge(name, help, labelName, registry));
        g.children.put(labelValue, supplier);
        return () -> g.children.remove(labelValue, supplier);
    }

    private static final class FunctionGauge {
        final ConcurrentMap<String, DoubleSupplier> children = new ConcurrentHashMap<>();

        FunctionGauge(String name, String help, String labelName, PrometheusRegistry registry) {
            GaugeWithCallback.builder().name(name).help(help).labelNames(labelName)
                    .callback(cb -> children.forEach((value, s) -> cb.call(s.getAsDouble(), value)))
                    .register(registry);
        }
    }

    private <T> T get(String name, Class<T> type, Supplier<T> create) {
        Object m = metrics.computeIfAbsent(name, n -> create.get());
        if (!type.isInstance(m)) {
            throw new IllegalStateException("metric " + name + " is already registered as " + m.getClass().getSimpleName());
        }
        return type.cast(m);
    }
}
