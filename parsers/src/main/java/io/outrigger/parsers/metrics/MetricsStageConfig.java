package io.outrigger.parsers.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code metrics} stage (Promtail's metrics stage): turns records into the agent's own Prometheus metrics,
 * exposed on {@code /metrics} as {@code <prefix><name>}, and passes every record on unchanged.
 *
 * <pre>
 * stages:
 *   - metrics:
 *       prefix: outrigger_custom_     # default; "" to use the names as given
 *       max_series: 1000              # per metric, shared by every input feeding the pipeline
 *       metrics:
 *         error_lines_total:          # counters end in _total
 *           type: counter
 *           description: ERROR lines per logger
 *           match: {field: level, equals: ERROR}
 *           labels: [logger]          # field (or record label) names; the label is named like the field
 *         request_duration_ms:
 *           type: histogram
 *           source: duration_ms       # the field holding the value (Str, Int or Float)
 *           buckets: [10, 50, 100, 500, 1000]
 *         queue_depth:
 *           type: gauge
 *           source: depth
 *           action: set               # counter: inc (default without source) | add (default with source);
 *                                     # gauge: set (default) | inc | add
 * </pre>
 */
public record MetricsStageConfig(String prefix, Integer maxSeries, Map<String, Metric> metrics) {

    public static final String DEFAULT_PREFIX = "outrigger_custom_";

    public MetricsStageConfig {
        if (prefix == null) prefix = DEFAULT_PREFIX;
        if (maxSeries == null) maxSeries = 1000;
        metrics = metrics == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /** One metric definition. */
    public record Metric(String type, String description, String source, Match match, List<String> labels,
                         List<Double> buckets, String action) {
        public Metric {
            labels = labels == null ? List.of() : List.copyOf(labels);
            buckets = buckets == null ? List.of() : List.copyOf(buckets);
            if (action == null && type != null) {
                action = switch (type) {
                    case "counter" -> source == null ? "inc" : "add";
                    case "gauge" -> "set";
                    default -> null;
                };
            }
        }
    }

    /** Only records whose {@code field} (or label) has the text {@code equals} count. */
    public record Match(String field, String equals) {}
}
