package io.outrigger.outputs.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.config.ConfigModule;
import io.outrigger.core.event.Fields;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Value;
import io.outrigger.core.pipeline.Batch;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.Reason;
import io.outrigger.core.pipeline.SendResult;
import io.outrigger.core.telemetry.Metrics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The output's HTTP handling against a scripted fake Elasticsearch (the real one is in it-tests). */
class ElasticsearchOutputTest {

    /** One request the fake server saw. */
    record Seen(String uri, String authorization, String body) {
        int documents() { return (int) body.lines().count() / 2; }
    }

    /** What the fake server answers. */
    record Answer(int status, String body, Map<String, String> headers) {
        static Answer ok(int documents) {
            StringBuilder items = new StringBuilder();
            for (int i = 0; i < documents; i++) {
                if (i > 0) items.append(',');
                items.append("{\"index\":{\"_index\":\"logs\",\"status\":201}}");
            }
            return new Answer(200, "{\"errors\":false,\"items\":[" + items + "]}", Map.of());
        }
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private Output output;
    private Metrics metrics;

    private String serve(Function<Seen, Answer> script) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", (HttpExchange ex) -> {
            Seen s = new Seen(ex.getRequestURI().toString(), ex.getRequestHeaders().getFirst("Authorization"),
                    new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            seen.add(s);
            Answer a = script.apply(s);
            a.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            ex.getResponseHeaders().add("Content-Type", "application/json");
            byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private Output output(String url, String settings) throws Exception {
        ElasticsearchOutputConfig c = ConfigModule.newMapper().readValue(
                "{\"hosts\":[\"" + url + "\"],\"timeout\":\"5s\"" + settings + "}", ElasticsearchOutputConfig.class);
        ElasticsearchOutputFactory f = new ElasticsearchOutputFactory();
        assertEquals(List.of(), f.validate(c));
        metrics = Metrics.newIsolated();
        output = f.create(c, new ComponentContext("es", metrics, InstantSource.fixed(Instant.parse("2026-11-27T05:00:00Z")),
                null, null, CheckpointStore.inMemory(), Map.of()));
        return output;
    }

    @AfterEach
    void stop() {
        if (output != null) output.close();
        if (server != null) server.stop(0);
    }

    private static List<LogRecord> records(int n) {
        List<LogRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(Fixtures.record(i));
        return out;
    }

    private static SendResult send(Output out, List<LogRecord> records) throws Exception {
        return out.send(Batch.of(records)).get(20, TimeUnit.SECONDS);
    }

    @Test
    void postsNdjsonWithAuthAndPipelineAndCountsDocuments() throws Exception {
        String url = serve(s -> Answer.ok(s.documents()));
        Output out = output(url, ",\"index\":\"logs\",\"pipeline\":\"parse-nginx\",\"auth\":{\"username\":\"elastic\",\"password\":\"s3cret\"}");
        assertEquals(SendResult.DELIVERED, send(out, records(3)));
        assertEquals(1, seen.size());
        Seen s = seen.getFirst();
        assertEquals("/_bulk?pipeline=parse-nginx", s.uri());
        assertEquals("Basic " + Base64.getEncoder().encodeToString("elastic:s3cret".getBytes(StandardCharsets.UTF_8)), s.authorization());
        assertEquals(3, s.documents());
        assertTrue(s.body().startsWith("{\"index\":{\"_index\":\"logs\"}}\n{\"@timestamp\":"), s.body());
        assertEquals(3.0, metrics.registry().scrape().stream()
                .filter(m -> m.getMetadata().getPrometheusName().equals("outrigger_output_elasticsearch_documents"))
                .flatMap(m -> m.getDataPoints().stream())
                .filter(d -> d.getLabels().get("result").equals("delivered"))
                .mapToDouble(d -> ((io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot) d).getValue())
                .sum());
    }

    @Test
    void apiKeyIsSentAsApiKeyHeader() throws Exception {
        String url = serve(s -> Answer.ok(s.documents()));
        assertEquals(SendResult.DELIVERED, send(output(url, ",\"index\":\"logs\",\"auth\":{\"api_key\":\"aWQ6a2V5\"}"), records(1)));
        assertEquals("ApiKey aWQ6a2V5", seen.getFirst().authorization());
    }

    @Test
    void throttledRequestIsRetryableWithRetryAfter() throws Exception {
        String url = serve(s -> new Answer(429, "{\"error\":{\"type\":\"es_rejected_execution_exception\",\"reason\":\"busy\"},\"status\":429}",
                Map.of("Retry-After", "7")));
        SendResult.Retryable r = assertInstanceOf(SendResult.Retryable.class, send(output(url, ",\"index\":\"logs\""), records(2)));
        assertEquals("rate_limited", r.reason().label(), r.detail());
        assertEquals(Duration.ofSeconds(7), r.retryAfter());
        assertEquals("HTTP 429: es_rejected_execution_exception: busy", r.detail());
        assertEquals(1, seen.size(), "the HTTP client must not retry on its own: the shared sender does");
    }

    @Test
    void serverErrorIsRetryableWithTheServersReason() throws Exception {
        String url = serve(s -> new Answer(503, "{\"error\":{\"type\":\"cluster_block_exception\",\"reason\":\"blocked by: [SERVICE_UNAVAILABLE/1/state not recovered]\"},\"status\":503}",
                Map.of("Retry-After", "3")));
        SendResult.Retryable r = assertInstanceOf(SendResult.Retryable.class, send(output(url, ",\"index\":\"logs\""), records(2)));
        assertEquals("server_error", r.reason().label(), r.detail());
        assertEquals(Duration.ofSeconds(3), r.retryAfter());
        assertEquals("HTTP 503: cluster_block_exception: blocked by: [SERVICE_UNAVAILABLE/1/state not recovered]", r.detail());
        assertEquals(1, seen.size());
    }

    @Test
    void badRequestIsRejectedWholeAndKeepsTheOutputHealthy() throws Exception {
        String url = serve(s -> new Answer(400, new String(Fixtures.resource("error-newline.json"), StandardCharsets.UTF_8), Map.of()));
        Output out = output(url, ",\"index\":\"logs\"");
        SendResult.Rejected r = assertInstanceOf(SendResult.Rejected.class, send(out, records(2)));
        assertEquals("bad_request", r.reason().label());
    }

    @Test
    void a413IsAnsweredSplitForTheSharedSenderToHalve() throws Exception {
        String url = serve(s -> new Answer(413, "", Map.of()));
        Output out = output(url, ",\"index\":\"logs\"");
        SendResult.Split r = assertInstanceOf(SendResult.Split.class, send(out, records(5)));
        assertEquals(Reason.TOO_LARGE, r.reason());
        assertTrue(r.detail().startsWith("HTTP 413"), r.detail());
        assertEquals(List.of(5), seen.stream().map(Seen::documents).toList(), "the output itself sends once, no halves");
    }

    @Test
    void connectionFailuresAreRetryable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Output out = output("http://127.0.0.1:" + port, ",\"index\":\"logs\"");
        for (int i = 0; i < 3; i++) {
            SendResult.Retryable r = assertInstanceOf(SendResult.Retryable.class, send(out, records(1)));
            assertEquals("connection", r.reason().label(), r.detail());
        }
    }

    @Test
    void recordsWithoutIndexFieldAreRejectedAndTheRestSent() throws Exception {
        String url = serve(s -> Answer.ok(s.documents()));
        Output out = output(url, ",\"index\":\"logs-%{[team]}\"");
        List<LogRecord> batch = List.of(Fixtures.record(0, Fields.of("team", Value.of("a"))), Fixtures.record(1));
        SendResult.PerRecord per = assertInstanceOf(SendResult.PerRecord.class, send(out, batch));
        assertEquals(SendResult.DELIVERED, per.results().get(0));
        assertEquals("invalid_record", assertInstanceOf(SendResult.Rejected.class, per.results().get(1)).reason().label());
        assertEquals(1, seen.getFirst().documents());
        // a batch of only such records sends nothing
        assertEquals(Reason.INVALID_RECORD, assertInstanceOf(SendResult.Rejected.class,
                assertInstanceOf(SendResult.PerRecord.class, send(out, List.of(Fixtures.record(2)))).results().getFirst()).reason());
        assertEquals(1, seen.size());
    }

    @Test
    void emptyBatchIsDeliveredWithoutARequest() throws Exception {
        String url = serve(s -> Answer.ok(s.documents()));
        assertEquals(SendResult.DELIVERED, send(output(url, ",\"index\":\"logs\""), List.of()));
        assertTrue(seen.isEmpty());
    }
}
