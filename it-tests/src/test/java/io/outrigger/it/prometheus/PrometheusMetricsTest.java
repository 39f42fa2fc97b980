package io.outrigger.it.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.outrigger.agent.http.AgentHttpServer;
import io.outrigger.agent.http.Readiness;
import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.event.Labels;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.MetricSample;
import io.outrigger.core.event.Origin;
import io.outrigger.core.pipeline.Batch;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Emitter;
import io.outrigger.core.pipeline.Finalizer;
import io.outrigger.core.pipeline.Input;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.SendResult;
import io.outrigger.core.telemetry.Metrics;
import io.outrigger.inputs.prometheus.PrometheusScrapeConfig;
import io.outrigger.inputs.prometheus.PrometheusScrapeInputFactory;
import io.outrigger.it.servers.PrometheusServer;
import io.outrigger.outputs.promrw.PromRemoteWriteConfig;
import io.outrigger.outputs.promrw.PromRemoteWriteOutputFactory;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Outrigger's metrics side against one real Prometheus: remote write into it, Prometheus scraping the agent's
 * {@code /metrics}, and the prometheus_scrape input feeding the remote write output.
 */
class PrometheusMetricsTest {

    static final Duration DEADLINE = Duration.ofSeconds(30);

    static Metrics agentMetrics;
    static AgentHttpServer agentHttp;
    static PrometheusServer prometheus;
    static ScheduledExecutorService scheduler;

    @BeforeAll
    static void start() throws Exception {
        agentMetrics = Metrics.newIsolated();
        agentMetrics.counter("outrigger_test_scrapes_total", "A counter for Prometheus to scrape", "kind").labelValues("it").inc(5);
        AgentHttpServer.registerJvmMetrics(agentMetrics.registry());
        agentHttp = new AgentHttpServer(agentMetrics.registry(), () -> true, () -> new Readiness(true, Map.of()));
        agentHttp.start("127.0.0.1:0");
        prometheus = PrometheusServer.start(List.of("127.0.0.1:" + agentHttp.port()));
        scheduler = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) prometheus.close();
        if (agentHttp != null) agentHttp.stop();
        if (scheduler != null) scheduler.shutdownNow();
    }

    static ComponentContext ctx(String name) {
        return new ComponentContext(name, Metrics.newIsolated(), InstantSource.system(), scheduler, null, CheckpointStore.inMemory(), Map.of());
    }

    static Output remoteWrite() {
        PromRemoteWriteOutputFactory f = new PromRemoteWriteOutputFactory();
        PromRemoteWriteConfig c = new PromRemoteWriteConfig(prometheus.remoteWriteUrl(), null, null, Duration.ofSeconds(10),
                null, null, null, null);
        assertEquals(List.of(), f.validate(c));
        return f.create(c, ctx("outputs.prom"));
    }

    static double only(List<PrometheusServer.Sample> samples, String what) {
        assertEquals(1, samples.size(), what + ": " + samples + "\nPrometheus log:\n" + prometheus.log());
        return samples.getFirst().value();
    }

    @Test
    void remoteWriteOutputSamplesAreQueryable() throws Exception {
        long now = System.currentTimeMillis();
        Labels kitchen = Labels.of("room", "kitchen", "job", "outrigger-it");
        List<LogRecord> batch = List.of(
                MetricSample.record("outrigger_it_temperature_celsius", kitchen, 22.5, now * 1_000_000L, "gauge", Origin.NONE, null),
                MetricSample.record("outrigger_it_temperature_celsius", kitchen, 21.5, (now - 2000) * 1_000_000L, "gauge", Origin.NONE, null),
                MetricSample.record("outrigger_it_temperature_celsius", Labels.of("room", "attic", "job", "outrigger-it"), -3.25,
                        now * 1_000_000L, "gauge", Origin.NONE, null),
                LogRecord.of(now * 1_000_000L, "a log line routed here by mistake", Origin.NONE, Finalizer.NONE, 0));
        try (Output out = remoteWrite()) {
            SendResult r = out.send(Batch.of(batch)).get(30, TimeUnit.SECONDS);
            SendResult.PerRecord per = assertInstanceOf(SendResult.PerRecord.class, r, String.valueOf(r));
            assertEquals(List.of(SendResult.DELIVERED, SendResult.DELIVERED, SendResult.DELIVERED,
                    new SendResult.Rejected(io.outrigger.core.pipeline.Reason.INVALID_RECORD, "record is not a metric sample (a log pipeline routed to a prometheus_remote_write output?)")),
                    per.results());

            List<PrometheusServer.Sample> kitchenNow = prometheus.awaitQuery(
                    "outrigger_it_temperature_celsius{room=\"kitchen\"}", DEADLINE, s -> !s.isEmpty());
            assertEquals(22.5, only(kitchenNow, "kitchen"));
            assertEquals(Map.of("__name__", "outrigger_it_temperature_celsius", "room", "kitchen", "job", "outrigger-it"),
                    kitchenNow.getFirst().labels());
            assertEquals(-3.25, only(prometheus.query("outrigger_it_temperature_celsius{room=\"attic\"}"), "attic"));
            assertEquals(2.0, only(prometheus.query("count_over_time(outrigger_it_temperature_celsius{room=\"kitchen\"}[1m])"), "count"));

            // the same (series, timestamp) with another value is refused by Prometheus with 400: rejected, not retried
            SendResult again = out.send(Batch.of(List.of(MetricSample.record("outrigger_it_temperature_celsius", kitchen, 99,
                    (now - 2000) * 1_000_000L, "gauge", Origin.NONE, null)))).get(30, TimeUnit.SECONDS);
            assertEquals("bad_request", assertInstanceOf(SendResult.Rejected.class, again, String.valueOf(again)).reason().label());
        }
    }

    @Test
    void prometheusScrapesTheAgentHttpServer() throws Exception {
        List<PrometheusServer.Sample> s = prometheus.awaitQuery("outrigger_test_scrapes_total", DEADLINE, x -> !x.isEmpty());
        assertEquals(5.0, only(s, "outrigger_test_scrapes_total"));
        assertEquals("it", s.getFirst().labels().get("kind"));
        assertEquals("outrigger", s.getFirst().labels().get("job"));
        // range functions, not instant selectors: a scrape that timed out on a loaded machine marks series stale
        assertEquals(1.0, only(prometheus.query("max_over_time(up{job=\"outrigger\"}[1m])"), "up"));
        List<PrometheusServer.Sample> names = prometheus.awaitQuery("{__name__=~\"outrigger_.+\",job=\"outrigger\"}", DEADLINE,
                x -> x.stream().anyMatch(y -> "outrigger_test_scrapes_total".equals(y.labels().get("__name__"))));
        assertTrue(names.stream().anyMatch(x -> "outrigger_test_scrapes_total".equals(x.labels().get("__name__"))), names.toString());
        assertFalse(prometheus.query("last_over_time(jvm_memory_used_bytes{job=\"outrigger\"}[1m])").isEmpty(), "JVM metrics scraped");
    }

    @Test
    void scrapeInputThroughRemoteWriteReachesPrometheus() throws Exception {
        AtomicInteger hits = new AtomicInteger();
        HttpServer app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        app.createContext("/metrics", ex -> {
            int n = hits.incrementAndGet();
            String body = """
                    # HELP fake_app_requests_total Requests served.
                    # TYPE fake_app_requests_total counter
                    fake_app_requests_total{code="200",path="/api"} %d
                    fake_app_requests_total{code="500",path="/api"} 2
                    # TYPE fake_app_latency_seconds histogram
                    fake_app_latency_seconds_bucket{le="0.1"} 3
                    fake_app_latency_seconds_bucket{le="+Inf"} 4
                    fake_app_latency_seconds_sum 0.9
                    fake_app_latency_seconds_count 4
                    this line is broken
                    fake_app_info{version="1.2.3",note="quote \\" and newline \\n"} 1
                    """.formatted(100 + n);
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(b);
            }
        });
        app.start();
        Output out = remoteWrite();
        List<SendResult> results = new CopyOnWriteArrayList<>();
        // what the agent's pipeline does, reduced to its essence: each emitted scrape is one batch for the output
        Emitter emitter = records -> {
            try {
                results.add(out.send(Batch.of(records)).get(30, TimeUnit.SECONDS));
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new AssertionError(e);
            }
        };
        PrometheusScrapeInputFactory f = new PrometheusScrapeInputFactory();
        PrometheusScrapeConfig c = new PrometheusScrapeConfig("http://127.0.0.1:" + app.getAddress().getPort() + "/metrics",
                Duration.ofMillis(500), Duration.ofMillis(400), Map.of("pod", "it-pod", "job", "fake-app"), null);
        assertEquals(List.of(), f.validate(c));
        Input in = f.create(c, ctx("inputs.fake_app"));
        in.start(emitter);
        try {
            List<PrometheusServer.Sample> ok = prometheus.awaitQuery(
                    "fake_app_requests_total{code=\"200\",pod=\"it-pod\",job=\"fake-app\"} > 101", DEADLINE, x -> !x.isEmpty());
            assertTrue(only(ok, "requests") > 101);
            assertEquals("/api", ok.getFirst().labels().get("path"));
            assertEquals(2.0, only(prometheus.query("fake_app_requests_total{code=\"500\",pod=\"it-pod\"}"), "500s"));
            assertEquals(4.0, only(prometheus.query("fake_app_latency_seconds_bucket{le=\"+Inf\",pod=\"it-pod\"}"), "+Inf bucket"));
            assertEquals(0.9, only(prometheus.query("fake_app_latency_seconds_sum{pod=\"it-pod\"}"), "sum"));
            List<PrometheusServer.Sample> info = prometheus.query("fake_app_info{pod=\"it-pod\"}");
            assertEquals(1.0, only(info, "info"));
            assertEquals("quote \" and newline \n", info.getFirst().labels().get("note"));
            // the latest scrape may have timed out on a loaded machine (up 0): one success within the minute is enough
            assertEquals(1.0, only(prometheus.query("max_over_time(up{job=\"fake-app\",pod=\"it-pod\"}[1m])"), "synthetic up"));
            assertTrue(results.stream().allMatch(r -> r.equals(SendResult.DELIVERED)), results.toString());
        } finally {
            in.stop(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
            out.close();
            app.stop(0);
        }
    }
}
