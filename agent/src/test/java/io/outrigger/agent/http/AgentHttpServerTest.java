package io.outrigger.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.telemetry.Metrics;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AgentHttpServerTest {

    static final Metrics metrics = Metrics.newIsolated();
    static final AtomicBoolean alive = new AtomicBoolean(true);
    static final AtomicReference<Readiness> ready = new AtomicReference<>(new Readiness(true, Map.of()));
    static AgentHttpServer server;
    static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        metrics.counter("outrigger_test_events_total", "Events seen by the test", "kind").labelValues("a\"b").inc(3);
        AgentHttpServer.registerJvmMetrics(metrics.registry());
        AgentHttpServer.registerJvmMetrics(metrics.registry()); // twice is harmless
        server = new AgentHttpServer(metrics.registry(), alive::get, ready::get);
        server.start("127.0.0.1:0");
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        server.stop();
        http.close();
    }

    static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (headers.length > 0) b.headers(headers);
        return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static String text(HttpResponse<byte[]> r) { return new String(r.body(), StandardCharsets.UTF_8); }

    @Test
    void metricsInPrometheusTextByDefault() throws Exception {
        HttpResponse<byte[]> r = get("/metrics");
        assertEquals(200, r.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
        String body = text(r);
        assertTrue(body.contains("# TYPE outrigger_test_events_total counter"), body);
        assertTrue(body.contains("outrigger_test_events_total{kind=\"a\\\"b\"} 3.0"), body);
        assertTrue(body.contains("jvm_memory_used_bytes"), "JVM metrics registered");
        for (String name : new String[] {"jvm_threads_current", "jvm_gc_collection_seconds", "jvm_classes_currently_loaded",
                "process_cpu_seconds_total", "process_resident_memory_bytes"}) {
            assertTrue(body.contains(name), name + " registered");
        }
        assertTrue(!body.contains("# EOF"));
    }

    @Test
    void nameParametersServeOnlyTheMetricsAskedFor() throws Exception {
        String body = text(get("/metrics?name[]=outrigger_test_events_total&name%5B%5D=jvm_threads_current"));
        assertTrue(body.contains("outrigger_test_events_total{kind=\"a\\\"b\"} 3.0"), body);
        assertTrue(body.contains("jvm_threads_current "), body);
        assertFalse(body.contains("jvm_memory_used_bytes"), body);
        assertFalse(body.contains("process_cpu_seconds_total"), body);
        assertTrue(text(get("/metrics?other=1")).contains("jvm_memory_used_bytes"), "other parameters: everything");
        assertEquals(Set.of("a", "b c"), AgentHttpServer.requestedNames("name[]=a&x=y&name%5B%5D=b+c&name[]=&name[]"));
    }

    @Test
    void jvmMetricsJoinARegistryOnItsFirstScrape() throws Exception {
        Metrics fresh = Metrics.newIsolated();
        fresh.counter("outrigger_fresh_total", "A counter of a registry nobody added JVM metrics to").inc();
        assertTrue(fresh.registry().scrape().stream().noneMatch(m -> m.getMetadata().getName().startsWith("jvm")));
        try (AgentHttpServer other = new AgentHttpServer(fresh::registry, () -> true, ready::get)) {
            other.start("127.0.0.1:0");
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + other.port() + "/metrics"))
                    .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            String body = text(r);
            assertTrue(body.contains("outrigger_fresh_total 1.0"), body);
            assertTrue(body.contains("jvm_memory_used_bytes"), "JVM metrics added on the first scrape");
        }
    }

    @Test
    void openMetricsWhenAskedForAsPrometheusDoes() throws Exception {
        HttpResponse<byte[]> r = get("/metrics", "Accept",
                "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("application/openmetrics-text; version=1.0.0"),
                r.headers().firstValue("Content-Type").orElseThrow());
        String body = text(r);
        assertTrue(body.contains("# TYPE outrigger_test_events counter"), body);
        assertTrue(body.contains("outrigger_test_events_total{kind=\"a\\\"b\"} 3.0"), body);
        assertTrue(body.endsWith("# EOF\n"));
    }

    @Test
    void gzipWhenAccepted() throws Exception {
        HttpResponse<byte[]> r = get("/metrics", "Accept-Encoding", "gzip");
        assertEquals("gzip", r.headers().firstValue("Content-Encoding").orElseThrow());
        String body = new String(new GZIPInputStream(new ByteArrayInputStream(r.body())).readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(body.contains("outrigger_test_events_total"));
    }

    @Test
    void healthzFollowsAlive() throws Exception {
        alive.set(true);
        HttpResponse<byte[]> ok = get("/healthz");
        assertEquals(200, ok.statusCode());
        assertEquals("ok\n", text(ok));
        alive.set(false);
        assertEquals(503, get("/healthz").statusCode());
        alive.set(true);
        assertEquals(200, get("/healthz").statusCode());
    }

    @Test
    void readyzRendersJsonAnd503WhenNotReady() throws Exception {
        Map<String, String> comps = new LinkedHashMap<>();
        comps.put("outputs.loki", "failing: connection refused");
        comps.put("inputs.app", "ready");
        ready.set(new Readiness(false, comps));
        HttpResponse<byte[]> r = get("/readyz");
        assertEquals(503, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("{\"ready\":false,\"components\":{\"inputs.app\":\"ready\",\"outputs.loki\":\"failing: connection refused\"}}", text(r));
        ready.set(new Readiness(true, Map.of("inputs.app", "ready", "outputs.loki", "ready")));
        r = get("/readyz");
        assertEquals(200, r.statusCode());
        assertEquals("{\"ready\":true,\"components\":{\"inputs.app\":\"ready\",\"outputs.loki\":\"ready\"}}", text(r));
        ready.set(new Readiness(true, Map.of("weird \"name\"", "a\nb")));
        assertEquals("{\"ready\":true,\"components\":{\"weird \\\"name\\\"\":\"a\\nb\"}}", text(get("/readyz")));
    }

    @Test
    void unknownPathsAndMethods() throws Exception {
        assertEquals(404, get("/nope").statusCode());
        assertEquals(404, get("/metricsx").statusCode());
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }

    @Test
    void emptyListenIsDisabledAndListenIsChecked() throws Exception {
        AgentHttpServer off = new AgentHttpServer(metrics.registry(), () -> true, () -> new Readiness(true, null));
        off.start("");
        assertEquals(-1, off.port());
        off.stop();
        assertNull(AgentHttpServer.checkListen(":9100"));
        assertNull(AgentHttpServer.checkListen("[::1]:0"));
        assertNull(AgentHttpServer.checkListen(""));
        assertEquals("invalid listen address \"9100\" (expected host:port, e.g. 0.0.0.0:9100, :9100 or 127.0.0.1:0)",
                AgentHttpServer.checkListen("9100"));
        assertTrue(AgentHttpServer.checkListen("host:70000") != null);
        assertThrows(IllegalArgumentException.class, () -> off.start("nonsense"));
    }
}
