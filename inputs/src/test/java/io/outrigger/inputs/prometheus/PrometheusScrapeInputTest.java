package io.outrigger.inputs.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.config.ConfigModule;
import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.MetricSample;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Emitter;
import io.outrigger.core.pipeline.InputFactory;
import io.outrigger.core.telemetry.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PrometheusScrapeInputTest {

    static final Instant NOW = Instant.parse("2026-11-27T06:00:00Z");
    static final long NOW_NANOS = NOW.getEpochSecond() * 1_000_000_000L;

    static HttpServer server;
    static ScheduledExecutorService scheduler;
    static final AtomicReference<String> body = new AtomicReference<>("");
    static final AtomicInteger status = new AtomicInteger(200);
    static final AtomicInteger delayMs = new AtomicInteger(0);
    static final AtomicReference<String> lastAccept = new AtomicReference<>();

    @BeforeAll
    static void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/metrics", ex -> {
            lastAccept.set(ex.getRequestHeaders().getFirst("Accept"));
            try {
                Thread.sleep(delayMs.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] b = body.get().getBytes(StandardCharsets.UTF_8);
            String ae = ex.getRequestHeaders().getFirst("Accept-Encoding");
            if (ae != null && ae.contains("gzip") && status.get() == 200) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                try (GZIPOutputStream gz = new GZIPOutputStream(buf)) {
                    gz.write(b);
                }
                b = buf.toByteArray();
                ex.getResponseHeaders().add("Content-Encoding", "gzip");
            }
            ex.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            ex.sendResponseHeaders(status.get(), b.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(b);
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
        scheduler = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterAll
    static void stopServer() {
        server.stop(0);
        scheduler.shutdownNow();
    }

    static String url() { return "http://127.0.0.1:" + server.getAddress().getPort() + "/metrics"; }

    static ComponentContext ctx(Metrics metrics) {
        return new ComponentContext("inputs.app", metrics, InstantSource.fixed(NOW), scheduler, null,
                CheckpointStore.inMemory(), Map.of());
    }

    static PrometheusScrapeInput input(PrometheusScrapeConfig c, Metrics m) {
        return new PrometheusScrapeInput(c, ctx(m));
    }

    static double errors(Metrics m, String reason) {
        return m.counter("outrigger_input_scrape_errors_total", "", "input", "reason").labelValues("inputs.app", reason).get();
    }

    static LogRecord find(List<LogRecord> records, String name) {
        return records.stream().filter(r -> MetricSample.name(r).equals(name)).findFirst().orElseThrow(() -> new AssertionError("no " + name + " in " + records));
    }

    @Test
    void scrapeEmitsSamplesWithTargetLabelsAndUp() throws Exception {
        status.set(200);
        delayMs.set(0);
        body.set("""
                # TYPE http_requests_total counter
                http_requests_total{code="200",pod="scraped"} 10 1700000000000
                temperature 21.5
                broken{ 1
                """);
        Metrics m = Metrics.newIsolated();
        PrometheusScrapeInput in = input(new PrometheusScrapeConfig(url(), Duration.ofSeconds(1), Duration.ofMillis(500),
                Map.of("pod", "web-1"), null), m);
        List<LogRecord> out = in.scrape();
        assertEquals(5, out.size(), out.toString());
        LogRecord req = find(out, "http_requests_total");
        assertEquals(10.0, MetricSample.value(req));
        assertEquals("counter", MetricSample.type(req));
        assertEquals("web-1", req.labels().get("pod"));
        assertEquals("scraped", req.labels().get("exported_pod"));
        assertEquals("200", req.labels().get("code"));
        assertEquals(1_700_000_000_000L * 1_000_000L, req.timeNanos());
        LogRecord temp = find(out, "temperature");
        assertEquals(NOW_NANOS, temp.timeNanos());
        assertEquals("untyped", MetricSample.type(temp));
        assertEquals(1.0, MetricSample.value(find(out, "up")));
        assertEquals("web-1", find(out, "up").labels().get("pod"));
        assertEquals(2.0, MetricSample.value(find(out, "scrape_samples_scraped")));
        assertEquals(1.0, errors(m, TextFormatParser.BAD_LABELS));
        assertTrue(lastAccept.get().startsWith("text/plain;version=0.0.4"));
        assertEquals("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics", req.origin().path());
    }

    @Test
    void honorTimestampsFalseUsesScrapeTime() throws Exception {
        status.set(200);
        delayMs.set(0);
        body.set("a 1 1700000000000\n");
        PrometheusScrapeInput in = input(new PrometheusScrapeConfig(url(), null, null, null, false), Metrics.newIsolated());
        assertEquals(NOW_NANOS, find(in.scrape(), "a").timeNanos());
    }

    @Test
    void failuresGiveUpZeroAndAreCountedByReason() throws Exception {
        Metrics m = Metrics.newIsolated();
        PrometheusScrapeInput in = input(new PrometheusScrapeConfig(url(), Duration.ofSeconds(1), Duration.ofMillis(300), null, null), m);
        status.set(500);
        delayMs.set(0);
        body.set("a 1\n");
        List<LogRecord> out = in.scrape();
        assertEquals(3, out.size());
        assertEquals(0.0, MetricSample.value(find(out, "up")));
        assertEquals(1.0, errors(m, PrometheusScrapeInput.HTTP_STATUS));

        status.set(200);
        body.set("<html>\n<body>not metrics</body>\n</html>\n");
        assertEquals(0.0, MetricSample.value(find(in.scrape(), "up")));
        assertEquals(1.0, errors(m, PrometheusScrapeInput.UNPARSEABLE));

        body.set("a 1\n");
        delayMs.set(1000);
        assertEquals(0.0, MetricSample.value(find(in.scrape(), "up")));
        assertEquals(1.0, errors(m, PrometheusScrapeInput.TIMEOUT));
        delayMs.set(0);

        assertEquals(1.0, MetricSample.value(find(in.scrape(), "up")));
    }

    @Test
    void connectionRefusedIsCounted() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Metrics m = Metrics.newIsolated();
        PrometheusScrapeInput in = input(new PrometheusScrapeConfig("http://127.0.0.1:" + port + "/metrics",
                Duration.ofSeconds(1), Duration.ofMillis(500), null, null), m);
        List<LogRecord> out = in.scrape();
        assertEquals(0.0, MetricSample.value(find(out, "up")));
        assertEquals(1.0, errors(m, PrometheusScrapeInput.CONNECTION));
    }

    @Test
    void startScrapesRepeatedlyAndStopStops() throws Exception {
        status.set(200);
        delayMs.set(0);
        body.set("a 1\n");
        List<List<LogRecord>> emitted = new CopyOnWriteArrayList<>();
        Emitter emitter = emitted::add;
        PrometheusScrapeInput in = input(new PrometheusScrapeConfig(url(), Duration.ofMillis(200), Duration.ofMillis(190), null, null),
                Metrics.newIsolated());
        assertFalse(in.isReady());
        in.start(emitter);
        assertTrue(in.isReady());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (emitted.size() < 3 && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(emitted.size() >= 3, "scrapes: " + emitted.size());
        in.stop(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        assertFalse(in.isReady());
        int after = emitted.size();
        Thread.sleep(300);
        assertEquals(after, emitted.size());
        // a, up, scrape_duration_seconds, scrape_samples_scraped (the very first scrape may time out on a cold JVM)
        assertEquals(4, emitted.getLast().size(), emitted.toString());
    }

    @Test
    void factoryIsRegisteredAndValidates() throws Exception {
        PrometheusScrapeInputFactory f = ServiceLoader.load(InputFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(x -> x.type().equals("prometheus_scrape")).map(PrometheusScrapeInputFactory.class::cast)
                .findFirst().orElseThrow();
        PrometheusScrapeConfig c = ConfigModule.newMapper().readValue("""
                {"url":"http://localhost:8080/metrics","interval":"30s","labels":{"pod":"p1"},"honor_timestamps":false}""",
                PrometheusScrapeConfig.class);
        assertEquals(Duration.ofSeconds(30), c.interval());
        assertEquals(Duration.ofSeconds(10), c.timeout());
        assertFalse(c.honorTimestamps());
        assertEquals(List.of(), f.validate(c));

        List<ConfigProblem> p = f.validate(new PrometheusScrapeConfig("localhost:8080", Duration.ofSeconds(5), Duration.ofSeconds(5),
                Map.of("__bad", "x"), null));
        assertEquals(List.of(
                new ConfigProblem("url", "invalid URI \"localhost:8080\" (expected http:// or https://)"),
                new ConfigProblem("timeout", "must be less than interval (5s), got 5s"),
                new ConfigProblem("labels.__bad", "invalid label name (expected [a-zA-Z_][a-zA-Z0-9_]*, not starting with __)")), p);
        assertEquals(List.of(new ConfigProblem("url", "required: the endpoint to scrape, e.g. http://localhost:8080/metrics")),
                f.validate(new PrometheusScrapeConfig(null, null, null, null, null)));
    }
}
