package io.outrigger.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.pipeline.Finalizer;
import org.junit.jupiter.api.Test;

class MetricSampleTest {

    @Test
    void recordCarriesNameLabelsValueTimeAndType() {
        Origin origin = Origin.of("scrape", "http://app:8080/metrics");
        LogRecord r = MetricSample.record("http_requests_total", Labels.of("code", "200"), 42.5, 1_000_000_123L,
                MetricSample.COUNTER, origin, Finalizer.NONE);
        assertTrue(MetricSample.isMetric(r));
        assertEquals("http_requests_total", MetricSample.name(r));
        assertEquals("http_requests_total", r.message());
        assertEquals(42.5, MetricSample.value(r));
        assertEquals(new Value.Float(42.5), r.fields().get("value"));
        assertEquals(new Value.Str("counter"), r.fields().get("metric_type"));
        assertEquals("counter", MetricSample.type(r));
        assertEquals("200", r.labels().get("code"));
        assertEquals(1_000_000_123L, r.timeNanos());
        assertSame(origin, r.origin());
    }

    @Test
    void unknownTypeBecomesUntypedAndNullsAreDefaulted() {
        LogRecord r = MetricSample.record("x", null, Double.NaN, 0, "weird", null, null);
        assertEquals("untyped", MetricSample.type(r));
        assertTrue(Double.isNaN(MetricSample.value(r)));
        assertTrue(r.labels().isEmpty());
        assertSame(Finalizer.NONE, r.finalizer());
        assertTrue(MetricSample.isMetric(r));
    }

    @Test
    void aLogLineIsNotAMetric() {
        LogRecord log = LogRecord.of(1, "GET / 200", Origin.NONE, Finalizer.NONE, 0);
        assertFalse(MetricSample.isMetric(log));
        LogRecord intValue = log.toBuilder().fields(Fields.builder().put("value", Value.of(3L))
                .put("metric_type", "gauge").build()).build();
        assertFalse(MetricSample.isMetric(intValue));
        assertTrue(Double.isNaN(MetricSample.value(intValue)));
    }
}
