package io.outrigger.outputs.promrw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.config.ConfigModule;
import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.config.HttpAuth;
import io.outrigger.core.config.Secret;
import io.outrigger.core.config.TlsConfig;
import io.outrigger.core.event.Labels;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.MetricSample;
import io.outrigger.core.event.Origin;
import io.outrigger.core.pipeline.Batch;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Finalizer;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.OutputFactory;
import io.outrigger.core.pipeline.Reason;
import io.outrigger.core.pipeline.SendResult;
import io.outrigger.core.telemetry.Metrics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

class PromRemoteWriteOutputTest {

    static HttpServer server;
    static final AtomicInteger status = new AtomicInteger(204);
    static final AtomicReference<String> answer = new AtomicReference<>("");
    static final AtomicReference<com.sun.net.httpserver.Headers> lastHeaders = new AtomicReference<>();
    static final AtomicReference<byte[]> lastBody = new AtomicReference<>();
    static final AtomicInteger requests = new AtomicInteger();

    final PromRemoteWriteOutputFactory factory = new PromRemoteWriteOutputFactory();

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/write", ex -> {
            requests.incrementAndGet();
            lastHeaders.set(ex.getRequestHeaders());
            lastBody.set(ex.getRequestBody().readAllBytes());
            byte[] b = answer.get().getBytes(StandardCharsets.UTF_8);
            if (status.get() == 429) ex.getResponseHeaders().add("Retry-After", "3");
            ex.sendResponseHeaders(status.get(), b.length == 0 ? -1 : b.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(b);
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
    }

    @AfterAll
    static void stop() { server.stop(0); }

    @BeforeEach
    void reset() {
        status.set(204);
        answer.set("");
    }

    static String url() { return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/write"; }

    static ComponentContext ctx() {
        return new ComponentContext("outputs.prom", Metrics.newIsolated(), InstantSource.system(), null, null,
                CheckpointStore.inMemory(), Map.of());
    }

    static PromRemoteWriteConfig config(String url) {
        return new PromRemoteWriteConfig(url, null, null, Duration.ofSeconds(5), null, null, null, null);
    }

    static LogRecord sample(String name, double v) {
        return MetricSample.record(name, Labels.of("job", "app"), v, 1_700_000_000_000_000_000L, "counter", Origin.NONE, Finalizer.NONE);
    }

    static SendResult send(Output out, List<LogRecord> records) throws Exception {
        return out.send(Batch.of(records)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void sendsSnappyProtobufWithProtocolHeadersAndBasicAuth() throws Exception {
        PromRemoteWriteConfig c = new PromRemoteWriteConfig(url(), HttpAuth.basic("agent", Secret.of("s3cret")),
                null, null, Map.of("X-Scope-OrgID", Secret.of("team-a")), null, null, null);
        assertEquals(List.of(), factory.validate(c));
        try (Output out = factory.create(c, ctx())) {
            assertEquals(SendResult.DELIVERED, send(out, List.of(sample("a_total", 1), sample("b_total", 2))));
        }
        com.sun.net.httpserver.Headers h = lastHeaders.get();
        assertEquals("snappy", h.getFirst("Content-Encoding"));
        assertEquals("application/x-protobuf", h.getFirst("Content-Type"));
        assertEquals("0.1.0", h.getFirst("X-Prometheus-Remote-Write-Version"));
        assertTrue(h.getFirst("User-Agent").startsWith("outrigger/"));
        assertEquals("team-a", h.getFirst("X-Scope-OrgID"));
        assertEquals("Basic YWdlbnQ6czNjcmV0", h.getFirst("Authorization"));
        List<String> series = WriteRequestEncoderTest.decode(Snappy.uncompress(lastBody.get()));
        assertEquals(List.of("__name__=a_total,job=app: 1.0@1700000000000", "__name__=b_total,job=app: 2.0@1700000000000"), series);
        assertFalse(c.toString().contains("s3cret"), c.toString());
    }

    @Test
    void bearerTokenHeader() throws Exception {
        PromRemoteWriteConfig c = new PromRemoteWriteConfig(url(), HttpAuth.bearer(Secret.of("tok")), null, null, null, null, null, null);
        try (Output out = factory.create(c, ctx())) {
            send(out, List.of(sample("a", 1)));
        }
        assertEquals("Bearer tok", lastHeaders.get().getFirst("Authorization"));
    }

    @Test
    void answersAreClassified() throws Exception {
        try (Output out = factory.create(config(url()), ctx())) {
            status.set(400);
            answer.set("out of order sample");
            assertEquals(new SendResult.Rejected(Reason.BAD_REQUEST, "HTTP 400: out of order sample"), send(out, List.of(sample("a", 1))));
            status.set(429);
            answer.set("");
            assertEquals(new SendResult.Retryable(Reason.RATE_LIMITED, "HTTP 429", Duration.ofSeconds(3)), send(out, List.of(sample("a", 1))));
            status.set(503);
            assertInstanceOf(SendResult.Retryable.class, send(out, List.of(sample("a", 1))));
            // a rotated secret: retried like every output does, never dead-lettered
            status.set(401);
            assertEquals(new SendResult.Retryable(Reason.AUTH, "HTTP 401"), send(out, List.of(sample("a", 1))));
            status.set(403);
            assertEquals(Reason.AUTH, assertInstanceOf(SendResult.Retryable.class, send(out, List.of(sample("a", 1)))).reason());
            status.set(200);
            assertEquals(SendResult.DELIVERED, send(out, List.of(sample("a", 1))));
        }
    }

    @Test
    void recordsThatAreNotMetricsAreRejectedOneByOne() throws Exception {
        LogRecord log = LogRecord.of(1, "GET / 200", Origin.NONE, Finalizer.NONE, 0);
        try (Output out = factory.create(config(url()), ctx())) {
            SendResult r = send(out, List.of(sample("a", 1), log));
            SendResult.PerRecord per = assertInstanceOf(SendResult.PerRecord.class, r);
            assertEquals(SendResult.DELIVERED, per.results().get(0));
            assertEquals("invalid_record", assertInstanceOf(SendResult.Rejected.class, per.results().get(1)).reason().label());

            int before = requests.get();
            SendResult onlyLogs = send(out, List.of(log, log));
            assertEquals(before, requests.get(), "no request for a batch without samples");
            assertEquals(2, assertInstanceOf(SendResult.PerRecord.class, onlyLogs).results().size());
        }
    }

    @Test
    void connectionRefusedIsRetryable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (Output out = factory.create(config("http://127.0.0.1:" + port + "/api/v1/write"), ctx())) {
            SendResult.Retryable r = assertInstanceOf(SendResult.Retryable.class, send(out, List.of(sample("a", 1))));
            assertEquals("connection", r.reason().label());
        }
    }

    @Test
    void factoryRegisteredBindsYamlAndValidatesEverything(@TempDir Path dir) throws Exception {
        assertTrue(ServiceLoader.load(OutputFactory.class).stream().map(ServiceLoader.Provider::get)
                .anyMatch(f -> f instanceof PromRemoteWriteOutputFactory && f.type().equals("prometheus_remote_write")));
        PromRemoteWriteConfig c = ConfigModule.newMapper().readValue("""
                {"url": "https://prom:9090/api/v1/write", "auth": {"bearer_token": "abc"}, "timeout": "10s", "headers": {"X-Api-Key": "k3y"},
                 "batch": {"max_records": 500}, "retry": {"max_backoff": "1m"}, "concurrency": 2}""", PromRemoteWriteConfig.class);
        assertEquals(List.of(), factory.validate(c));
        assertEquals(500, c.batch().maxRecords());
        assertEquals("k3y", c.headers().get("X-Api-Key").reveal());
        assertFalse(c.toString().contains("k3y") || c.toString().contains("abc"), c.toString());
        assertEquals(Duration.ofMinutes(1), c.retry().maxBackoff());
        assertEquals(1, config(url()).concurrency());
        assertEquals(2000, config(url()).batch().maxRecords());

        PromRemoteWriteConfig bad = new PromRemoteWriteConfig("prom:9090", new HttpAuth("", null, Secret.of("t"), null, null),
                new TlsConfig(dir.resolve("missing-ca.pem"), null, null, null, null), Duration.ZERO, Map.of("Content-Encoding", Secret.of("gzip")),
                null, null, 0);
        assertEquals(List.of(
                new ConfigProblem("url", "invalid URI \"prom:9090\" (expected http:// or https:// and a host)"),
                new ConfigProblem("auth", "username/password and bearer_token are both set: choose one"),
                new ConfigProblem("auth.username", "must not be empty or contain ':'"),
                new ConfigProblem("auth.password", "is required with a username"),
                new ConfigProblem("timeout", "must be positive"),
                new ConfigProblem("headers.Content-Encoding", "is set by the output itself and cannot be overridden"),
                new ConfigProblem("tls.ca_file", "no such file: " + dir.resolve("missing-ca.pem")),
                new ConfigProblem("concurrency", "must be at least 1, got 0")), factory.validate(bad));
        assertFalse(bad.toString().contains("t]") || bad.toString().contains("=t,"), bad.toString());

        Path notPem = java.nio.file.Files.writeString(dir.resolve("ca.pem"), "not a certificate");
        List<ConfigProblem> tls = factory.validate(new PromRemoteWriteConfig("https://prom/api/v1/write", null,
                new TlsConfig(notPem, null, null, null, null), null, null, null, null, null));
        assertEquals(1, tls.size());
        assertEquals("tls", tls.getFirst().path());
        assertTrue(tls.getFirst().message().startsWith("cannot be loaded: "), tls.getFirst().message());
    }
}
