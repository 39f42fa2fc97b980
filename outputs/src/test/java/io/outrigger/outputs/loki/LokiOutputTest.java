package io.outrigger.outputs.loki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.config.ConfigModule;
import io.outrigger.core.event.Fields;
import io.outrigger.core.event.Labels;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Value;
import io.outrigger.core.pipeline.Batch;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.Reason;
import io.outrigger.core.pipeline.SendResult;
import io.outrigger.core.telemetry.Metrics;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LokiOutputTest {

    private static final ObjectMapper MAPPER = ConfigModule.newMapper();
    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-27T08:00:00Z"));
    private static LokiReceiver loki;

    private final List<Output> opened = new ArrayList<>();
    private Metrics metrics;

    @BeforeAll static void startLoki() throws Exception {
        loki = LokiReceiver.builder().clock(CLOCK).start();
    }

    @AfterAll static void stopLoki() { loki.close(); }

    @BeforeEach void setUp() {
        loki.reset();
        metrics = Metrics.newIsolated();
    }

    @AfterEach void closeOutputs() { opened.forEach(Output::close); }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static LokiOutputConfig config(String url, String extraJson) throws Exception {
        String json = "{\"url\":\"" + url + "\"" + (extraJson.isEmpty() ? "" : "," + extraJson) + "}";
        return MAPPER.readValue(json, LokiOutputConfig.class);
    }

    private Output output(LokiOutputConfig cfg) {
        LokiOutputFactory f = new LokiOutputFactory();
        assertEquals(List.of(), f.validate(cfg));
        Output o = f.create(cfg, new ComponentContext("loki", metrics, CLOCK, null, null, CheckpointStore.inMemory(), Map.of()));
        opened.add(o);
        return o;
    }

    private Output output(String extraJson) throws Exception { return output(config(loki.url(), extraJson)); }

    /** A record {@code offsetMillis} from the clock's now, labelled {@code app=<app>}. */
    private static LogRecord rec(String app, long offsetMillis, String message) {
        return rec(app, offsetMillis, message, Fields.EMPTY);
    }

    private static LogRecord rec(String app, long offsetMillis, String message, Fields fields) {
        return LogRecord.builder().timeNanos(CLOCK.nanos() + offsetMillis * 1_000_000L).message(message)
                .labels(app == null ? Labels.EMPTY : Labels.of("app", app)).fields(fields).build();
    }

    private static SendResult send(Output o, Batch b) throws Exception { return o.send(b).get(30, TimeUnit.SECONDS); }

    private static SendResult send(Output o, LogRecord... records) throws Exception { return send(o, Batch.of(List.of(records))); }

    private static Batch atAttempt(int attempt, LogRecord... records) {
        Batch b = Batch.of(List.of(records));
        return new Batch(b.records(), b.bytes(), attempt);
    }

    private static List<SendResult> perRecord(SendResult r) { return assertInstanceOf(SendResult.PerRecord.class, r).results(); }

    private double counter(String name, String... labelValues) {
        return metrics.counter(name, "").labelValues(labelValues).get();
    }

    // ---- delivery -------------------------------------------------------------------------------------------

    @Test void deliveredBatchIsStoredWithStreamsLabelsOrderAndMetadata() throws Exception {
        Output o = output("\"labels\":{\"cluster\":\"c1\"},\"structured_metadata\":[\"trace_id\",\"missing\"]");
        SendResult r = send(o,
                rec("web", 30, "web-3"),
                rec("api", 5, "api-1", Fields.of("trace_id", Value.of("t-api"))),
                rec("web", 10, "web-1", Fields.of("trace_id", Value.of("t1"))),
                rec("web", 20, "web-2"));
        assertEquals(SendResult.DELIVERED, r);
        assertEquals(1, loki.pushes().size());
        LokiReceiver.Push push = loki.pushes().getFirst();
        assertEquals("application/x-protobuf", push.header("Content-Type"));
        assertEquals(List.of("{app=\"web\", cluster=\"c1\"}", "{app=\"api\", cluster=\"c1\"}"),
                push.streams().stream().map(LokiReceiver.PushedStream::labels).toList());
        Map<String, String> web = Map.of("app", "web", "cluster", "c1");
        assertEquals(List.of("web-1", "web-2", "web-3"), loki.lines("fake", web));
        List<LokiReceiver.Entry> webEntries = loki.entries("fake", web);
        assertEquals(Map.of("trace_id", "t1"), webEntries.get(0).structuredMetadata());
        assertEquals(Map.of(), webEntries.get(1).structuredMetadata());
        assertEquals(CLOCK.instant().plusMillis(10), webEntries.get(0).timestamp());
        assertEquals(Map.of("trace_id", "t-api"), loki.entries("fake", Map.of("app", "api", "cluster", "c1")).getFirst().structuredMetadata());
    }

    @Test void recordLabelsWinOverStaticOnesAndInvalidNamesAreSanitized() throws Exception {
        Output o = output("\"labels\":{\"app\":\"default\",\"env\":\"prod\"}");
        LogRecord r = LogRecord.builder().timeNanos(CLOCK.nanos()).message("m")
                .labels(Labels.of("app", "web", "app.kubernetes.io/name", "shop")).build();
        assertEquals(SendResult.DELIVERED, send(o, r));
        assertEquals(List.of("m"), loki.lines("fake", Map.of("app", "web", "env", "prod", "app_kubernetes_io_name", "shop")));
    }

    @Test void recordWithoutAnyLabelIsRejectedLocally() throws Exception {
        Output o = output("");
        List<SendResult> r = perRecord(send(o, rec(null, 0, "lonely"), rec("web", 0, "ok")));
        assertEquals("invalid_record", assertInstanceOf(SendResult.Rejected.class, r.get(0)).reason().label());
        assertEquals(SendResult.DELIVERED, r.get(1));
        assertEquals(List.of("ok"), loki.lines("fake", Map.of("app", "web")));
    }

    @Test void recordWithoutLabelsGetsTheStaticOnes() throws Exception {
        Output o = output("\"labels\":{\"job\":\"app\"}");
        assertEquals(SendResult.DELIVERED, send(o, rec(null, 0, "unlabelled"), rec("web", 1, "labelled")));
        assertEquals(List.of("unlabelled"), loki.lines("fake", Map.of("job", "app")));
        assertEquals(List.of("labelled"), loki.lines("fake", Map.of("job", "app", "app", "web")));
    }

    @Test void duplicateEntryIsAcceptedAndStoredOnce() throws Exception {
        Output o = output("");
        LogRecord r = rec("web", 0, "same");
        assertEquals(SendResult.DELIVERED, send(o, r));
        assertEquals(SendResult.DELIVERED, send(o, r));
        assertEquals(1, loki.entryCount("fake"));
    }

    @Test void jsonEncodingSendsLokisJsonBody() throws Exception {
        Output o = output("\"encoding\":\"json\",\"structured_metadata\":[\"user\"]");
        assertEquals(SendResult.DELIVERED, send(o, rec("web", 2, "two"), rec("web", 1, "one \"quoted\"", Fields.of("user", Value.of("u1")))));
        assertEquals("application/json", loki.pushes().getFirst().header("Content-Type"));
        List<LokiReceiver.Entry> e = loki.entries("fake", Map.of("app", "web"));
        assertEquals(List.of("one \"quoted\"", "two"), e.stream().map(LokiReceiver.Entry::line).toList());
        assertEquals(Map.of("user", "u1"), e.getFirst().structuredMetadata());
        assertEquals(CLOCK.instant().plusMillis(1), e.getFirst().timestamp());
    }

    @Test void lineFormatsJsonAndTemplate() throws Exception {
        Fields f = Fields.builder().put("level", "info").put("status", Value.of(200)).build();
        Output json = output("\"line_format\":\"json\"");
        send(json, rec("json", 0, "hello", f));
        assertEquals(List.of("{\"message\":\"hello\",\"level\":\"info\",\"status\":200}"), loki.lines("fake", Map.of("app", "json")));
        Output tpl = output("\"line_format\":\"template\",\"template\":\"[{{level}}] {{ message }} ({{status}}){x}{{nope}}\"");
        send(tpl, rec("tpl", 0, "hello", f));
        assertEquals(List.of("[info] hello (200){x}"), loki.lines("fake", Map.of("app", "tpl")));
    }

    // ---- Loki's refusals ------------------------------------------------------------------------------------

    @Test void badRequestForMixedBatchIsSplitAndGoodEntriesAreStored() throws Exception {
        Output o = output("");
        SendResult r = send(o, rec("web", 0, "good-1"), rec("web", 3_600_000, "from the future"), rec("web", 1, "good-2"));
        // Loki names one refused entry only: the shared sender halves the push down to the refused ones
        SendResult.Split rej = assertInstanceOf(SendResult.Split.class, r);
        assertEquals("bad_request", rej.reason().label());
        assertTrue(rej.detail().contains("has timestamp too new"), rej.detail());
        assertEquals(List.of("good-1", "good-2"), loki.lines("fake", Map.of("app", "web")));
    }

    @Test void lokisOldestAcceptableTimestampIsReadFromItsTooOldMessage() throws Exception {
        String body = Files.readString(Path.of(LokiOutputTest.class.getResource("/loki/400-too-old.txt").toURI()));
        assertEquals(Instant.parse("2026-11-20T08:00:00.5Z"), LokiOutput.oldestAcceptable(body));
        assertEquals(Instant.parse("2026-11-20T06:00:00Z"),
                LokiOutput.oldestAcceptable("x, oldest acceptable timestamp is: 2026-11-20 08:00:00 +0200 CEST"));
        // the ingester's "too far behind" is per stream, in RFC 3339: not Loki's maximum age
        assertNull(LokiOutput.oldestAcceptable(Files.readString(Path.of(LokiOutputTest.class.getResource("/loki/400-too-far-behind.txt").toURI()))));
    }

    @Test void afterLokiRefusedATooOldEntryOlderOnesAreRejectedBeforeSending() throws Exception {
        Output o = output("");
        SendResult first = send(o, rec("web", -200L * 3_600_000, "too old"), rec("web", 0, "fine"));
        assertInstanceOf(SendResult.Split.class, first);
        int pushes = loki.pushes().size();
        List<SendResult> r = perRecord(send(o, rec("api", -190L * 3_600_000, "old too"), rec("api", -160L * 3_600_000, "still fine")));
        SendResult.Rejected old = assertInstanceOf(SendResult.Rejected.class, r.get(0));
        assertEquals(Reason.BAD_REQUEST, old.reason());
        assertTrue(old.detail().contains("timestamp too old"), old.detail());
        assertEquals(SendResult.DELIVERED, r.get(1));
        assertEquals(pushes + 1, loki.pushes().size());
        assertEquals(List.of("still fine"), loki.lines("fake", Map.of("app", "api")));
    }

    @Test void entryTooFarBehindItsStreamIsRejected() throws Exception {
        Output o = output("");
        assertEquals(SendResult.DELIVERED, send(o, rec("web", 0, "now")));
        SendResult.Split rej = assertInstanceOf(SendResult.Split.class, send(o, rec("web", -2 * 3_600_000, "two hours ago")));
        assertTrue(rej.detail().contains("entry too far behind"), rej.detail());
        assertEquals(List.of("now"), loki.lines("fake", Map.of("app", "web")));
    }

    @Test void pushPathIsAppendedOnceEvenWhenTheUrlHasIt() throws Exception {
        assertEquals("/loki/api/v1/push", LokiOutput.joinPath("/"));
        assertEquals("/gw/loki/api/v1/push", LokiOutput.joinPath("/gw"));
        assertEquals("/loki/api/v1/push", LokiOutput.joinPath("/loki/api/v1/push"));
        assertEquals("/loki/api/v1/push", LokiOutput.joinPath("/loki/api/v1/push/"));
        Output o = output(config(loki.url() + "/loki/api/v1/push", ""));
        assertEquals(SendResult.DELIVERED, send(o, rec("web", 0, "promtail-style url")));
    }

    @Test void wrongPathIsRetriedAndMarksUnhealthy() throws Exception {
        Output o = output(config(loki.url() + "/wrong", ""));
        SendResult.Retryable r = assertInstanceOf(SendResult.Retryable.class, send(o, rec("web", 0, "x")));
        assertEquals("not_found", r.reason().label());
    }

    @Test void authFailureIsUnhealthyUntilASuccess() throws Exception {
        Output o = output("");
        loki.failNext(403, "forbidden", null);
        assertEquals(Reason.AUTH, assertInstanceOf(SendResult.Retryable.class, send(o, rec("web", 0, "x"))).reason());
        assertEquals(SendResult.DELIVERED, send(o, rec("web", 0, "x")));
    }

    @Test void serverErrorIsRetryable() throws Exception {
        Output o = output("");
        loki.failNext(500, "internal error", null);
        assertEquals(Reason.SERVER_ERROR, assertInstanceOf(SendResult.Retryable.class, send(o, rec("web", 0, "x"))).reason());
        loki.failNext(429, "slow down", "12");
        SendResult.Retryable r = assertInstanceOf(SendResult.Retryable.class, send(o, rec("web", 0, "x")));
        assertEquals(Duration.ofSeconds(12), r.retryAfter());
    }

    @Test void rateLimitIsRetriedThenAnsweredSplitAfterTheCap() throws Exception {
        try (LokiReceiver limited = LokiReceiver.builder().clock(CLOCK).rateLimit(1, 100).start()) {
            Output o = output(config(limited.url(), ""));
            LogRecord[] four = new LogRecord[4];
            for (int i = 0; i < 4; i++) four[i] = rec("web", i, ("line-" + i + "-").repeat(6).substring(0, 40));

            SendResult.Retryable first = assertInstanceOf(SendResult.Retryable.class, send(o, four));
            assertEquals("rate_limited", first.reason().label());
            assertNull(first.retryAfter(), "Loki sends no Retry-After");
            assertTrue(first.detail().contains("Ingestion rate limit exceeded"), first.detail());
            assertEquals(Reason.RATE_LIMITED, assertInstanceOf(SendResult.Retryable.class,
                    send(o, atAttempt(LokiOutput.SPLIT_AFTER_ATTEMPTS, four))).reason());

            // past the cap: larger than the burst, so the shared sender is asked to halve it (LokiDeliveryTest)
            SendResult.Split split = assertInstanceOf(SendResult.Split.class, send(o, atAttempt(LokiOutput.SPLIT_AFTER_ATTEMPTS + 1, four)));
            assertEquals(Reason.TOO_LARGE, split.reason());
            assertTrue(split.detail().contains("Ingestion rate limit exceeded"), split.detail());
            assertEquals(0, limited.entryCount("fake"));
        }
    }

    @Test void singleEntryOverTheBurstIsRejectedAfterTheCap() throws Exception {
        try (LokiReceiver limited = LokiReceiver.builder().clock(CLOCK).rateLimit(1, 100).start()) {
            Output o = output(config(limited.url(), ""));
            LogRecord big = rec("web", 0, "x".repeat(150));
            assertEquals("rate_limited", assertInstanceOf(SendResult.Retryable.class, send(o, big)).reason().label());
            SendResult.Split r = assertInstanceOf(SendResult.Split.class,
                    send(o, atAttempt(LokiOutput.SPLIT_AFTER_ATTEMPTS + 1, big)));
            assertEquals("too_large", r.reason().label());
            assertTrue(r.detail().contains("Ingestion rate limit exceeded"), r.detail());
            assertEquals(0, limited.entryCount("fake"));
        }
    }

    // ---- tenants and auth -----------------------------------------------------------------------------------

    @Test void tenantIdIsSentAsScopeOrgId() throws Exception {
        try (LokiReceiver mt = LokiReceiver.builder().clock(CLOCK).multiTenant(true).start()) {
            Output o = output(config(mt.url(), "\"tenant_id\":\"team-a\""));
            assertEquals(SendResult.DELIVERED, send(o, rec("web", 0, "for a")));
            assertEquals("team-a", mt.pushes().getFirst().header("X-Scope-OrgID"));
            assertEquals(List.of("for a"), mt.lines("team-a", Map.of("app", "web")));
        }
    }

    @Test void missingOrgIdIsAnAuthErrorRetriedAndMarksUnhealthy() throws Exception {
        try (LokiReceiver mt = LokiReceiver.builder().clock(CLOCK).multiTenant(true).start()) {
            Output o = output(config(mt.url(), ""));
            SendResult.Retryable r = assertInstanceOf(SendResult.Retryable.class, send(o, rec("web", 0, "x")));
            assertEquals("auth", r.reason().label());
            assertTrue(r.detail().contains("no org id"), r.detail());
        }
    }

    @Test void tenantFromFieldSplitsTheBatchPerTenant() throws Exception {
        try (LokiReceiver mt = LokiReceiver.builder().clock(CLOCK).multiTenant(true).start()) {
            Output o = output(config(mt.url(), "\"tenant_id_field\":\"kubernetes.namespace\",\"tenant_id\":\"fallback\""));
            Fields a = Fields.of("kubernetes", new Value.Obj(Fields.of("namespace", Value.of("ns-a"))));
            Fields b = Fields.of("kubernetes", new Value.Obj(Fields.of("namespace", Value.of("ns-b"))));
            assertEquals(SendResult.DELIVERED, send(o, rec("web", 0, "a1", a), rec("web", 1, "b1", b), rec("web", 2, "none"), rec("web", 3, "a2", a)));
            assertEquals(3, mt.pushes().size());
            assertEquals(List.of("a1", "a2"), mt.lines("ns-a", Map.of("app", "web")));
            assertEquals(List.of("b1"), mt.lines("ns-b", Map.of("app", "web")));
            assertEquals(List.of("none"), mt.lines("fallback", Map.of("app", "web")));
        }
    }

    @Test void basicAuthHeaderIsSentAndThePasswordNeverShown() throws Exception {
        LokiOutputConfig cfg = config(loki.url(), "\"auth\":{\"username\":\"user\",\"password\":\"s3cr3t-pw\"}");
        Output o = output(cfg);
        assertEquals(SendResult.DELIVERED, send(o, rec("web", 0, "x")));
        String expected = "Basic " + Base64.getEncoder().encodeToString("user:s3cr3t-pw".getBytes(StandardCharsets.UTF_8));
        assertEquals(expected, loki.pushes().getFirst().header("Authorization"));
        assertFalse(cfg.toString().contains("s3cr3t-pw"), cfg.toString());
        assertFalse(o.toString().contains("s3cr3t-pw"));
        loki.failNext(401, "unauthorized", null);
        SendResult.Retryable r = assertInstanceOf(SendResult.Retryable.class, send(o, rec("web", 1, "y")));
        assertFalse(r.detail().contains("s3cr3t-pw"));
        assertFalse(r.detail().contains(expected.substring(6)));
    }

    @Test void bearerTokenAndTokenFileAreSent(@TempDir Path dir) throws Exception {
        LokiOutputConfig cfg = config(loki.url(), "\"auth\":{\"bearer_token\":\"tok-123\"}");
        assertEquals(SendResult.DELIVERED, send(output(cfg), rec("web", 0, "x")));
        assertEquals("Bearer tok-123", loki.pushes().getFirst().header("Authorization"));
        assertFalse(cfg.toString().contains("tok-123"));

        Path file = dir.resolve("token");
        Files.writeString(file, "from-file-1\n");
        Output o = output(config(loki.url(), "\"auth\":{\"bearer_token_file\":\"" + file + "\"}"));
        assertEquals(SendResult.DELIVERED, send(o, rec("web", 1, "y")));
        assertEquals("Bearer from-file-1", loki.pushes().get(1).header("Authorization"));
        Files.writeString(file, "from-file-2\n");
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        assertEquals(SendResult.DELIVERED, send(o, rec("web", 2, "z")));
        assertEquals("Bearer from-file-2", loki.pushes().get(2).header("Authorization"));
    }

    // ---- local guards ---------------------------------------------------------------------------------------

    @Test void overSizeLineIsRejectedBeforeSending() throws Exception {
        Output o = output("\"max_line_bytes\":\"10B\"");
        List<SendResult> r = perRecord(send(o, rec("web", 0, "0123456789"), rec("web", 1, "01234567é9"), rec("web", 2, "ok")));
        assertEquals(SendResult.DELIVERED, r.get(0));
        SendResult.Rejected big = assertInstanceOf(SendResult.Rejected.class, r.get(1));
        assertEquals("too_large", big.reason().label());
        assertTrue(big.detail().contains("11 bytes"), big.detail());
        assertEquals(SendResult.DELIVERED, r.get(2));
        assertEquals(List.of("0123456789", "ok"), loki.lines("fake", Map.of("app", "web")));
        assertEquals(2, loki.pushes().getFirst().entryCount());
    }

    @Test void outOfOrderDropRejectsOlderEntries() throws Exception {
        Output o = output("\"out_of_order\":\"drop\"");
        assertEquals(SendResult.DELIVERED, send(o, rec("web", 100, "newest")));
        List<SendResult> r = perRecord(send(o, rec("web", 50, "older"), rec("web", 150, "newer"), rec("api", 10, "other stream")));
        assertEquals("out_of_order", assertInstanceOf(SendResult.Rejected.class, r.get(0)).reason().label());
        assertEquals(SendResult.DELIVERED, r.get(1));
        assertEquals(SendResult.DELIVERED, r.get(2));
        assertEquals(List.of("newest", "newer"), loki.lines("fake", Map.of("app", "web")));
        assertEquals(1.0, counter("outrigger_output_loki_entries_out_of_order_total", "loki", "dropped"));
    }

    @Test void outOfOrderClampMovesOlderEntriesToTheNewestTime() throws Exception {
        Output o = output("\"out_of_order\":\"clamp\"");
        assertEquals(SendResult.DELIVERED, send(o, rec("web", 100, "newest")));
        assertEquals(SendResult.DELIVERED, send(o, rec("web", 50, "older")));
        List<LokiReceiver.Entry> e = loki.entries("fake", Map.of("app", "web"));
        assertEquals(List.of("newest", "older"), e.stream().map(LokiReceiver.Entry::line).toList());
        assertEquals(e.get(0).timestamp(), e.get(1).timestamp());
        assertEquals(1.0, counter("outrigger_output_loki_entries_out_of_order_total", "loki", "clamped"));
    }

    @Test void outOfOrderAcceptSendsOlderEntriesAsTheyAre() throws Exception {
        Output o = output("");
        assertEquals(SendResult.DELIVERED, send(o, rec("web", 100, "newest")));
        assertEquals(SendResult.DELIVERED, send(o, rec("web", 50, "older")));
        List<LokiReceiver.Entry> e = loki.entries("fake", Map.of("app", "web"));
        assertEquals(CLOCK.instant().plusMillis(50), e.get(1).timestamp());
        assertEquals(1.0, counter("outrigger_output_loki_entries_out_of_order_total", "loki", "accepted"));
    }

    // ---- connection -----------------------------------------------------------------------------------------

    @Test void connectionRefusedIsRetryableAndUnhealthyUntilASuccess() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Output o = output(config("http://127.0.0.1:" + port, "\"timeout\":\"5s\""));
        for (int i = 0; i < 3; i++) {
            SendResult.Retryable r = assertInstanceOf(SendResult.Retryable.class, send(o, rec("web", i, "x")));
            assertEquals("connection", r.reason().label());
        }
        try (LokiReceiver late = LokiReceiver.builder().clock(CLOCK).port(port).start()) {
            assertEquals(SendResult.DELIVERED, send(o, rec("web", 9, "finally")));
            assertEquals(List.of("finally"), late.lines("fake", Map.of("app", "web")));
        }
    }

    @Test void serverThatNeverAnswersTimesOutAsConnectionError() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            Output o = output(config("http://127.0.0.1:" + silent.getLocalPort(), "\"timeout\":\"300ms\""));
            SendResult.Retryable r = assertInstanceOf(SendResult.Retryable.class, send(o, rec("web", 0, "x")));
            assertEquals("timeout", r.reason().label());
            assertTrue(r.detail().startsWith("timeout"), r.detail());
        }
    }
}
