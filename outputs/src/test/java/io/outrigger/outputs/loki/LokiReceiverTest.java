package io.outrigger.outputs.loki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.outrigger.outputs.loki.proto.LokiPush;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/** The test receiver answers as Loki 2.9 does, for requests built by hand (not by the output under test). */
class LokiReceiverTest {

    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-27T08:00:00Z"));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static LokiReceiver loki;

    @BeforeAll static void start() throws Exception { loki = LokiReceiver.builder().clock(CLOCK).maxLineBytes(64).start(); }

    @AfterAll static void stop() { loki.close(); }

    @BeforeEach void reset() { loki.reset(); }

    private record Answer(int status, String body) {}

    private static Answer post(LokiReceiver rx, byte[] body, String contentType, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(rx.url() + LokiReceiver.PUSH_PATH))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(r.headers().firstValue("Retry-After").isEmpty(), "Loki sends no Retry-After");
        return new Answer(r.statusCode(), r.body());
    }

    private static byte[] proto(String labels, Object... tsAndLines) throws Exception {
        LokiPush.StreamAdapter.Builder s = LokiPush.StreamAdapter.newBuilder().setLabels(labels);
        for (int i = 0; i < tsAndLines.length; i += 2) {
            Instant t = (Instant) tsAndLines[i];
            s.addEntries(LokiPush.EntryAdapter.newBuilder()
                    .setTimestamp(Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()))
                    .setLine((String) tsAndLines[i + 1]));
        }
        return Snappy.compress(LokiPush.PushRequest.newBuilder().addStreams(s).build().toByteArray());
    }

    private static Answer push(String labels, Object... tsAndLines) throws Exception {
        return post(loki, proto(labels, tsAndLines), "application/x-protobuf");
    }

    private static Instant now() { return CLOCK.instant(); }

    @Test void acceptsAndStoresWith204() throws Exception {
        assertEquals(new Answer(204, ""), push("{app=\"web\", env=\"a\\\"b\"}", now(), "one", now().plusMillis(1), "two"));
        assertEquals(List.of("one", "two"), loki.lines("fake", Map.of("app", "web", "env", "a\"b")));
        assertEquals(new Answer(204, ""), push("{env=\"a\\\"b\",app=\"web\"}", now(), "one"));
        assertEquals(2, loki.entryCount("fake"), "an exact duplicate is stored once");
    }

    @Test void bodyThatIsNotSnappyIs400() throws Exception {
        assertEquals(new Answer(400, "snappy: corrupt input\n"),
                post(loki, "plain text".getBytes(StandardCharsets.UTF_8), "application/x-protobuf"));
    }

    @Test void streamWithoutLabelsIs400() throws Exception {
        assertEquals(new Answer(400, "error at least one label pair is required per stream\n"), push("{}", now(), "x"));
    }

    @Test void badLabelNameIs400() throws Exception {
        Answer a = push("{app-name=\"web\"}", now(), "x");
        assertEquals(400, a.status());
        assertTrue(a.body().startsWith("Error parsing labels '{app-name=\"web\"}' with error: "), a.body());
    }

    @Test void timestampsTooNewTooOldAndTooFarBehindAre400ButGoodEntriesAreStored() throws Exception {
        Answer tooNew = push("{app=\"web\"}", now(), "good", now().plus(Duration.ofMinutes(11)), "future");
        assertEquals(400, tooNew.status());
        assertEquals("entry for stream '{app=\"web\"}' has timestamp too new: 2026-11-27 08:11:00 +0000 UTC\n", tooNew.body());
        Answer tooOld = push("{app=\"web\"}", now().minus(Duration.ofHours(169)), "ancient");
        assertTrue(tooOld.body().startsWith("entry for stream '{app=\"web\"}' has timestamp too old: 2026-11-20 07:00:00 +0000 UTC,"
                + " oldest acceptable timestamp is: 2026-11-20 08:00:00 +0000 UTC"), tooOld.body());
        Answer behind = push("{app=\"web\"}", now().minus(Duration.ofMinutes(30)), "late but fine", now().minus(Duration.ofMinutes(61)), "too late");
        assertEquals(400, behind.status());
        assertTrue(behind.body().contains("entry too far behind"), behind.body());
        assertTrue(behind.body().contains("total ignored: 1 out of 2 for stream: {app=\"web\"}"), behind.body());
        assertEquals(List.of("good", "late but fine"), loki.lines("fake", Map.of("app", "web")));
    }

    @Test void lineOverMaxSizeIs400() throws Exception {
        Answer a = push("{app=\"web\"}", now(), "x".repeat(65));
        assertEquals(new Answer(400, "Max entry size '64' bytes exceeded for stream '{app=\"web\"}' while adding an entry with length '65' bytes\n"), a);
    }

    @Test void jsonBodyPlainAndGzipped() throws Exception {
        String ns = Long.toString(now().getEpochSecond() * 1_000_000_000L);
        String json = "{\"streams\":[{\"stream\":{\"app\":\"js\"},\"values\":[[\"" + ns + "\",\"hello\",{\"trace\":\"t1\"}]]}]}";
        assertEquals(204, post(loki, json.getBytes(StandardCharsets.UTF_8), "application/json").status());
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(json.replace("hello", "zipped").getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(204, post(loki, gz.toByteArray(), "application/json", "Content-Encoding", "gzip").status());
        List<LokiReceiver.Entry> e = loki.entries("fake", Map.of("app", "js"));
        assertEquals(List.of("hello", "zipped"), e.stream().map(LokiReceiver.Entry::line).toList());
        assertEquals(Map.of("trace", "t1"), e.getFirst().structuredMetadata());
    }

    @Test void multiTenancyNeedsAnOrgId() throws Exception {
        try (LokiReceiver mt = LokiReceiver.builder().clock(CLOCK).multiTenant(true).start()) {
            assertEquals(new Answer(401, "no org id\n"), post(mt, proto("{a=\"b\"}", now(), "x"), "application/x-protobuf"));
            assertEquals(204, post(mt, proto("{a=\"b\"}", now(), "x"), "application/x-protobuf", "X-Scope-OrgID", "t1").status());
            assertEquals(List.of("x"), mt.lines("t1", Map.of("a", "b")));
        }
    }

    @Test void rateLimitIs429WithLokisMessageAndAPushOverTheBurstNeverPasses() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-27T08:00:00Z")); // advanced here only
        try (LokiReceiver limited = LokiReceiver.builder().clock(clock).rateLimit(10, 20).start()) {
            byte[] big = proto("{a=\"b\"}", clock.instant(), "x".repeat(21));
            String expected = "Ingestion rate limit exceeded for user fake (limit: 10 bytes/sec) while attempting to ingest '1' lines"
                    + " totaling '21' bytes, reduce log volume or contact your Loki administrator to see if the limit can be increased\n";
            assertEquals(new Answer(429, expected), post(limited, big, "application/x-protobuf"));
            clock.advance(Duration.ofHours(1));
            assertEquals(429, post(limited, big, "application/x-protobuf").status());
            byte[] fifteen = proto("{a=\"b\"}", clock.instant(), "y".repeat(15));
            assertEquals(204, post(limited, fifteen, "application/x-protobuf").status());
            assertEquals(429, post(limited, proto("{a=\"b\"}", clock.instant(), "z".repeat(15)), "application/x-protobuf").status());
            clock.advance(Duration.ofSeconds(2));
            assertEquals(204, post(limited, proto("{a=\"b\"}", clock.instant(), "z".repeat(15)), "application/x-protobuf").status());
            assertEquals(2, limited.entryCount("fake"));
        }
    }

    @Test void cannedAnswersComeFirst() throws Exception {
        loki.failNext(503, "ingester unavailable", null);
        assertEquals(new Answer(503, "ingester unavailable"), push("{a=\"b\"}", now(), "x"));
        assertEquals(0, loki.entryCount("fake"));
        assertEquals(204, push("{a=\"b\"}", now(), "x").status());
    }
}
