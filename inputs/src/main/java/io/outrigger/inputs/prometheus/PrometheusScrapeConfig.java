package io.outrigger.inputs.prometheus;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code type: prometheus_scrape}: scrapes one Prometheus text endpoint and emits its samples as metric records
 * (see {@link io.outrigger.core.event.MetricSample}).
 *
 * <pre>
 * inputs:
 *   app_metrics:
 *     type: prometheus_scrape
 *     url: http://localhost:8080/metrics
 *     interval: 15s          # default 15s
 *     timeout: 10s           # default 10s, less than interval
 *     honor_timestamps: true # default true: keep the timestamps the target exposes
 *     labels:                # added to every sample; a scraped label of the same name becomes exported_&lt;name&gt;
 *       pod: ${POD_NAME}
 *       job: app
 * </pre>
 */
public record PrometheusScrapeConfig(String url, Duration interval, Duration timeout, Map<String, String> labels,
                                     Boolean honorTimestamps) {

    public PrometheusScrapeConfig {
        if (interval == null) interval = Duration.ofSeconds(15);
        if (timeout == null) timeout = interval.compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10) : interval.multipliedBy(2).dividedBy(3);
        labels = labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
        if (honorTimestamps == null) honorTimestamps = true;
    }
}
