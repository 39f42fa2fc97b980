package io.outrigger.parsers.metrics;

import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Value;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageOutput;
import io.outrigger.core.telemetry.Metrics;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Updates the configured metrics from each record and passes the record on unchanged. */
final class MetricsStage implements Stage {

    static final String NOT_A_NUMBER = "not_a_number";
    static final String NEGATIVE_VALUE = "negative_value";

    private final Def[] defs;

    MetricsStage(MetricsStageConfig config, ComponentContext ctx) {
        Metrics metrics = ctx.metrics();
        String pipeline = ctx.name();
        Counter dropped = metrics.counter("outrigger_stage_metrics_series_dropped_total",
                "Metric updates of metrics stages not made because the metric reached max_series label combinations",
                "pipeline", "metric");
        Counter errors = metrics.counter("outrigger_stage_metrics_errors_total",
                "Records a metrics stage could not use for a metric, by reason", "pipeline", "metric", "reason");
        List<Def> list = new ArrayList<>();
        config.metrics().forEach((name, m) -> list.add(new Def(config.prefix() + name, m, config.maxSeries(), metrics,
                pipeline, dropped, errors)));
        defs = list.toArray(Def[]::new);
    }

    @Override public void process(LogRecord record, StageOutput out) {
        for (Def d : defs) d.apply(record);
        out.accept(record);
    }

    /** Lookup of a field (dotted paths through objects) or, failing that, a record label; null when neither. */
    static String text(LogRecord r, String name) {
        Value v = r.fields().getPath(name);
        if (v != null) return v instanceof Value.Null ? null : v.asText();
        return r.labels().get(name);
    }

    /** A number from a field: Int, Float, or Str holding a decimal; NaN when it is not one. */
    static double number(Value v) {
        return switch (v) {
            case Value.Int i -> i.value();
            case Value.Float f -> f.value();
            case Value.Str s -> parse(s.value().trim());
            default -> Double.NaN;
        };
    }

    private static double parse(String s) {
        if (s.isEmpty() || s.length() > 64) return Double.NaN;
        boolean digit = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') digit = true;
            else if (c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-') return Double.NaN;
        }
        if (!digit) return Double.NaN;
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** One metric definition as this stage instance applies it. Used by one thread at a time, like the stage. */
    private static final class Def {
        private final String type;
        private final String action;
        private final String source;
        private final String matchField;
        private final String matchEquals;
        private final String[] labelFields;
        private final Object metric;
        private final SeriesLimit limit;
        private final Map<List<String>, Object> points = new HashMap<>();
        private Object noLabels;
        private final CounterDataPoint dropped;
        private final CounterDataPoint notANumber;
        private final CounterDataPoint negative;

        Def(String fullName, MetricsStageConfig.Metric m, int maxSeries, Metrics metrics, String pipeline, Counter dropped,
            Counter errors) {
            this.type = m.type();
            this.action = m.action();
            this.source = m.source();
            this.matchField = m.match() == null ? null : m.match().field();
            this.matchEquals = m.match() == null ? null : m.match().equals();
            this.labelFields = m.labels().toArray(String[]::new);
            String help = m.description() == null || m.description().isBlank()
                    ? "Custom metric from pipeline " + pipeline : m.description();
            try {
                metric = switch (type) {
                    case "counter" -> metrics.counter(fullName, help, labelFields);
                    case "gauge" -> metrics.gauge(fullName, help, labelFields);
                    case "histogram" -> metrics.histogram(fullName, help,
                            m.buckets().stream().mapToDouble(Double::doubleValue).toArray(), labelFields);
                    default -> throw new IllegalArgumentException("unknown metric type " + type);
                };
            } catch (IllegalStateException | IllegalArgumentException e) {
                throw new IllegalArgumentException("metrics stage of pipeline " + pipeline + ": cannot register " + fullName + ": "
                        + e.getMessage(), e);
            }
            this.limit = SeriesLimit.of(metric, fullName, maxSeries, type, m.labels());
            this.dropped = dropped.labelValues(pipeline, fullName);
            this.notANumber = errors.labelValues(pipeline, fullName, NOT_A_NUMBER);
            this.negative = errors.labelValues(pipeline, fullName, NEGATIVE_VALUE);
        }

        void apply(LogRecord r) {
            if (matchField != null && !matchEquals.equals(text(r, matchField))) return;
            double amount = 1;
            if (source != null) {
                Value v = r.fields().getPath(source);
                if (v == null || v instanceof Value.Null) return;
                if (!(type.equals("counter") && action.equals("inc")) && !(type.equals("gauge") && action.equals("inc"))) {
                    amount = number(v);
                    if (Double.isNaN(amount)) {
                        notANumber.inc();
                        return;
                    }
                }
            }
            if (type.equals("counter") && amount < 0) {
                negative.inc();
                return;
            }
            Object point = point(r);
            if (point == null) return;
            switch (point) {
                case CounterDataPoint c -> c.inc(amount);
                case GaugeDataPoint g -> {
                    if (action.equals("set")) g.set(amount);
                    else g.inc(amount);
                }
                case DistributionDataPoint h -> h.observe(amount);
                default -> throw new IllegalStateException("unexpected data point " + point);
            }
        }

        /** The data point for the record's label values, or null when the series limit forbids a new one. */
        private Object point(LogRecord r) {
            if (labelFields.length == 0 && noLabels != null) return noLabels;
            String[] values = new String[labelFields.length];
            for (int i = 0; i < values.length; i++) {
                String t = text(r, labelFields[i]);
                values[i] = t == null ? "" : t;
            }
            List<String> key = Arrays.asList(values);
            Object p = points.get(key);
            if (p != null) return p;
            if (!limit.admit(key)) {
                dropped.inc();
                return null;
            }
            p = switch (metric) {
                case Counter c -> c.labelValues(values);
                case Gauge g -> g.labelValues(values);
                case Histogram h -> h.labelValues(values);
                default -> throw new IllegalStateException("unexpected metric " + metric);
            };
            points.put(key, p);
            if (labelFields.length == 0) noLabels = p;
            return p;
        }
    }
}
