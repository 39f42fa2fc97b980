package io.outrigger.parsers.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.config.ConfigModule;
import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.event.Fields;
import io.outrigger.core.event.Labels;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Origin;
import io.outrigger.core.event.Value;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Finalizer;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageFactory;
import io.outrigger.core.pipeline.StageOutput;
import io.outrigger.core.telemetry.Metrics;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class MetricsStageTest {

    final MetricsStageFactory factory = new MetricsStageFactory();

    static ComponentContext ctx(Metrics m, String pipeline) {
        return new ComponentContext(pipeline, m, InstantSource.system(), null, null, CheckpointStore.inMemory(), Map.of());
    }

    static MetricsStageConfig config(String json) throws Exception {
        return ConfigModule.newMapper().readValue(json, MetricsStageConfig.class);
    }

    static LogRecord rec(Object... kv) {
        Fields.Builder b = Fields.builder();
        for (int i = 0; i < kv.length; i += 2) {
            Object v = kv[i + 1];
            b.put((String) kv[i], v instanceof Value val ? val : Value.of((String) v));
        }
        return LogRecord.builder().message("line").fields(b.build()).origin(Origin.of("app", "/var/log/app.log"))
                .finalizer(Finalizer.NONE).build();
    }

    static final class Collect implements StageOutput {
        final List<LogRecord> accepted = new ArrayList<>();
        @Override public void accept(LogRecord r) { accepted.add(r); }
        @Override public void drop(LogRecord r, String reason) { throw new AssertionError("dropped " + r); }
    }

    static double counter(Metrics m, String name, String... labels) {
        return m.counter(name, "").labelValues(labels).get();
    }

    static final String ERRORS_BY_LOGGER = """
            {"max_series": 2, "metrics": {"error_lines_total": {"type": "counter", "description": "ERROR lines per logger",
              "match": {"field": "level", "equals": "ERROR"}, "labels": ["logger"]}}}""";

    @Test
    void countsErrorLinesPerLoggerAcrossStageInstancesAndPassesRecordsOn() throws Exception {
        Metrics m = Metrics.newIsolated();
        MetricsStageConfig c = config(ERRORS_BY_LOGGER);
        assertEquals(List.of(), factory.validate(c));
        Stage a = factory.create(c, ctx(m, "app"));
        Stage b = factory.create(c, ctx(m, "app")); // a second input feeding the same pipeline
        Collect out = new Collect();
        LogRecord e1 = rec("level", "ERROR", "logger", "db");
        a.process(e1, out);
        a.process(rec("level", "INFO", "logger", "db"), out);
        b.process(rec("level", "ERROR", "logger", "db"), out);
        b.process(rec("level", "ERROR", "logger", "http"), out);
        a.process(rec("level", "ERROR"), out); // no logger: label value ""
        assertEquals(5, out.accepted.size());
        assertSame(e1, out.accepted.getFirst());
        String name = "outrigger_custom_error_lines_total";
        assertEquals(2.0, counter(m, name, "db"));
        assertEquals(1.0, counter(m, name, "http"));
        // max_series 2 is shared by both instances: the third combination ("") is not created
        assertEquals(1.0, counter(m, "outrigger_stage_metrics_series_dropped_total", "app", name));
        b.process(rec("level", "ERROR", "logger", "queue"), out);
        assertEquals(2.0, counter(m, "outrigger_stage_metrics_series_dropped_total", "app", name));
        b.process(rec("level", "ERROR", "logger", "http"), out); // existing series still counted
        assertEquals(2.0, counter(m, name, "http"));
        String exposed = m.registry().scrape().stream().filter(s -> s.getMetadata().getName().equals("outrigger_custom_error_lines"))
                .findFirst().orElseThrow().getDataPoints().toString();
        assertTrue(!exposed.contains("queue"), exposed);
    }

    @Test
    void histogramOfDurationFromStrIntAndFloatNonNumericCounted() throws Exception {
        Metrics m = Metrics.newIsolated();
        MetricsStageConfig c = config("""
                {"prefix": "", "metrics": {"request_duration_ms": {"type": "histogram", "source": "duration_ms",
                  "buckets": [10, 100, 1000], "labels": ["method"]}}}""");
        assertEquals(List.of(), factory.validate(c));
        Stage s = factory.create(c, ctx(m, "web"));
        Collect out = new Collect();
        s.process(rec("duration_ms", "5", "method", "GET"), out);
        s.process(rec("duration_ms", Value.of(50L), "method", "GET"), out);
        s.process(rec("duration_ms", Value.of(500.5), "method", "GET"), out);
        s.process(rec("duration_ms", " 7 ", "method", "POST"), out);
        s.process(rec("duration_ms", "fast", "method", "GET"), out);
        s.process(rec("duration_ms", Value.TRUE, "method", "GET"), out);
        s.process(rec("method", "GET"), out); // no value: skipped silently
        assertEquals(7, out.accepted.size());
        Histogram h = m.histogram("request_duration_ms", "", new double[0], "method");
        assertEquals(3, h.labelValues("GET").getCount());
        assertEquals(555.5, h.labelValues("GET").getSum(), 1e-9);
        assertEquals(1, h.labelValues("POST").getCount());
        HistogramSnapshot.HistogramDataPointSnapshot get = h.collect().getDataPoints().stream()
                .filter(d -> d.getLabels().get("method").equals("GET")).findFirst().orElseThrow();
        assertEquals(1, get.getClassicBuckets().getCount(0)); // <= 10
        assertEquals(1, get.getClassicBuckets().getCount(1)); // (10, 100]
        assertEquals(2.0, counter(m, "outrigger_stage_metrics_errors_total", "web", "request_duration_ms", "not_a_number"));
    }

    @Test
    void gaugeSetAddAndCounterAddFromField() throws Exception {
        Metrics m = Metrics.newIsolated();
        MetricsStageConfig c = config("""
                {"metrics": {
                  "queue_depth": {"type": "gauge", "source": "depth"},
                  "bytes_total": {"type": "counter", "source": "bytes"},
                  "seen_total": {"type": "counter", "source": "bytes", "action": "inc"},
                  "in_flight": {"type": "gauge", "source": "delta", "action": "add"}}}""");
        assertEquals(List.of(), factory.validate(c));
        Stage s = factory.create(c, ctx(m, "p"));
        Collect out = new Collect();
        s.process(rec("depth", "7", "bytes", Value.of(100L), "delta", Value.of(2L)), out);
        s.process(rec("depth", Value.of(3L), "bytes", "x", "delta", Value.of(-1L)), out);
        s.process(rec("bytes", Value.of(-5L)), out);
        assertEquals(3.0, m.gauge("outrigger_custom_queue_depth", "").get());
        assertEquals(1.0, m.gauge("outrigger_custom_in_flight", "").get());
        assertEquals(100.0, counter(m, "outrigger_custom_bytes_total"));
        assertEquals(3.0, counter(m, "outrigger_custom_seen_total"));
        assertEquals(1.0, counter(m, "outrigger_stage_metrics_errors_total", "p", "outrigger_custom_bytes_total", "not_a_number"));
        assertEquals(1.0, counter(m, "outrigger_stage_metrics_errors_total", "p", "outrigger_custom_bytes_total", "negative_value"));
    }

    @Test
    void labelFromRecordLabelsAndNestedField() throws Exception {
        Metrics m = Metrics.newIsolated();
        Stage s = factory.create(config("""
                {"metrics": {"status_total": {"type": "counter", "labels": ["pod", "code"],
                  "match": {"field": "http.method", "equals": "GET"}}}}"""), ctx(m, "p"));
        LogRecord r = rec("http", new Value.Obj(Fields.builder().put("method", "GET").build()), "code", Value.of(200L))
                .toBuilder().labels(Labels.of("pod", "web-1")).build();
        s.process(r, new Collect());
        assertEquals(1.0, counter(m, "outrigger_custom_status_total", "web-1", "200"));
    }

    @Test
    void sameNameWithOtherLabelsInAnotherPipelineIsRefused() throws Exception {
        Metrics m = Metrics.newIsolated();
        factory.create(config(ERRORS_BY_LOGGER), ctx(m, "a"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> factory.create(config("""
                {"metrics": {"error_lines_total": {"type": "counter", "labels": ["pod"]}}}"""), ctx(m, "b")));
        assertTrue(e.getMessage().contains("outrigger_custom_error_lines_total is already defined"), e.getMessage());
        // a fresh registry (another agent, another test) has its own definitions
        factory.create(config("""
                {"metrics": {"error_lines_total": {"type": "counter", "labels": ["pod"]}}}"""), ctx(Metrics.newIsolated(), "b"));
    }

    @Test
    void validationReportsEveryProblem() throws Exception {
        MetricsStageConfig c = config("""
                {"prefix": "9x", "max_series": 0, "metrics": {
                  "errors": {"type": "counter", "action": "set", "buckets": [1]},
                  "bad-name_total": {"type": "counter"},
                  "g": {"type": "gauge"},
                  "h": {"type": "histogram", "action": "inc", "buckets": [5, 1], "labels": ["le", "a.b", "x", "x"]},
                  "s": {"type": "summary", "match": {"field": "level"}}}}""");
        assertEquals(List.of(
                new ConfigProblem("max_series", "must be at least 1, got 0"),
                new ConfigProblem("prefix", "invalid metric name prefix \"9x\" (expected [a-zA-Z_:][a-zA-Z0-9_:]*)"),
                new ConfigProblem("metrics.errors", "invalid metric name \"9xerrors\" (expected [a-zA-Z_:][a-zA-Z0-9_:]*)"),
                new ConfigProblem("metrics.errors", "a counter's name ends in _total, e.g. errors_total"),
                new ConfigProblem("metrics.errors.action", "\"set\" is not one of inc, add (for a counter)"),
                new ConfigProblem("metrics.errors.buckets", "only a histogram has buckets"),
                new ConfigProblem("metrics.bad-name_total", "invalid metric name \"9xbad-name_total\" (expected [a-zA-Z_:][a-zA-Z0-9_:]*)"),
                new ConfigProblem("metrics.g", "invalid metric name \"9xg\" (expected [a-zA-Z_:][a-zA-Z0-9_:]*)"),
                new ConfigProblem("metrics.g.source", "required for action set: the field holding the value"),
                new ConfigProblem("metrics.h", "invalid metric name \"9xh\" (expected [a-zA-Z_:][a-zA-Z0-9_:]*)"),
                new ConfigProblem("metrics.h.source", "required: the field holding the observed value"),
                new ConfigProblem("metrics.h.action", "not used by a histogram: remove it"),
                new ConfigProblem("metrics.h.buckets[1]", "buckets must increase, 1.0 follows 5.0"),
                new ConfigProblem("metrics.h.labels[0]", "\"le\" is reserved in a histogram"),
                new ConfigProblem("metrics.h.labels[1]", "invalid label name \"a.b\" (expected [a-zA-Z_][a-zA-Z0-9_]*, not starting with __)"),
                new ConfigProblem("metrics.h.labels[3]", "duplicate label \"x\""),
                new ConfigProblem("metrics.s", "invalid metric name \"9xs\" (expected [a-zA-Z_:][a-zA-Z0-9_:]*)"),
                new ConfigProblem("metrics.s.type", "\"summary\" is not one of counter, gauge, histogram"),
                new ConfigProblem("metrics.s.match", "needs both field and equals")), factory.validate(c));
        assertEquals(List.of(new ConfigProblem("metrics", "define at least one metric")), factory.validate(config("{}")));
    }

    @Test
    void registeredAsMetricsStage() {
        assertTrue(ServiceLoader.load(StageFactory.class).stream().map(ServiceLoader.Provider::get)
                .anyMatch(f -> f instanceof MetricsStageFactory && f.type().equals("metrics")));
    }
}
