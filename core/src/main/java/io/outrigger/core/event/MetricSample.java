package io.outrigger.core.event;

import io.outrigger.core.pipeline.Finalizer;
import java.util.Objects;

/**
 * How a metric sample travels through the record pipeline (routing, backpressure, retries are the same as for
 * logs): a {@link LogRecord} whose message is the metric name, whose labels are the sample's Prometheus labels
 * (without {@code __name__}), whose time is the sample time, with two fields: {@code value} ({@link Value.Float})
 * and {@code metric_type} ({@link Value.Str}, one of {@code counter gauge histogram summary untyped}).
 *
 * <p>Histogram and summary samples keep their exposition names ({@code http_seconds_bucket{le="0.5"}},
 * {@code http_seconds_sum}, {@code rpc_seconds{quantile="0.9"}}), as remote write sends them.
 */
public final class MetricSample {

    /** Field holding the sample value. */
    public static final String VALUE_FIELD = "value";
    /** Field holding the metric type. */
    public static final String TYPE_FIELD = "metric_type";

    public static final String COUNTER = "counter";
    public static final String GAUGE = "gauge";
    public static final String HISTOGRAM = "histogram";
    public static final String SUMMARY = "summary";
    public static final String UNTYPED = "untyped";

    private static final Value.Str[] TYPES = {
        new Value.Str(COUNTER), new Value.Str(GAUGE), new Value.Str(HISTOGRAM), new Value.Str(SUMMARY), new Value.Str(UNTYPED)
    };

    private MetricSample() {}

    /**
     * Makes a sample record.
     *
     * @param type one of {@code counter gauge histogram summary untyped}; anything else is stored as {@code untyped}
     */
    public static LogRecord record(String name, Labels labels, double value, long timeNanos, String type,
                                   Origin origin, Finalizer finalizer) {
        Objects.requireNonNull(name, "name");
        Fields fields = Fields.builder()
                .put(VALUE_FIELD, new Value.Float(value))
                .put(TYPE_FIELD, typeValue(type))
                .build();
        return LogRecord.builder()
                .timeNanos(timeNanos)
                .message(name)
                .labels(labels == null ? Labels.EMPTY : labels)
                .fields(fields)
                .origin(origin == null ? Origin.NONE : origin)
                .finalizer(finalizer == null ? Finalizer.NONE : finalizer)
                .build();
    }

    /** True when the record is a metric sample: a non-empty name, a Float {@code value} and a Str {@code metric_type}. */
    public static boolean isMetric(LogRecord r) {
        return !r.message().isEmpty()
                && r.fields().get(VALUE_FIELD) instanceof Value.Float
                && r.fields().get(TYPE_FIELD) instanceof Value.Str;
    }

    /** The metric name (the record's message). */
    public static String name(LogRecord r) { return r.message(); }

    /** The sample value; NaN when the record carries no Float {@code value}. */
    public static double value(LogRecord r) {
        return r.fields().get(VALUE_FIELD) instanceof Value.Float(double v) ? v : Double.NaN;
    }

    /** The metric type; {@code untyped} when the record carries none. */
    public static String type(LogRecord r) {
        return r.fields().get(TYPE_FIELD) instanceof Value.Str(String t) ? t : UNTYPED;
    }

    private static Value.Str typeValue(String type) {
        if (type != null) {
            for (Value.Str t : TYPES) if (t.value().equals(type)) return t;
        }
        return TYPES[4];
    }
}
