package io.outrigger.outputs.loki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.pipeline.Reason;
import io.outrigger.core.pipeline.SendResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;

class LokiResponseClassifierTest {

    private final LokiResponseClassifier classifier =
            new LokiResponseClassifier(InstantSource.fixed(Instant.parse("2026-11-27T08:00:00Z")));

    @Test void noContentIsDelivered() {
        assertEquals(SendResult.DELIVERED, classifier.classify(204, "", null));
        assertEquals(SendResult.DELIVERED, classifier.classify(200, "", null));
    }

    @Test void badRequestsAreSplitWithLokisMessage() throws IOException {
        for (String file : new String[] {"400-too-new.txt", "400-too-far-behind.txt", "400-line-too-long.txt", "400-snappy.txt"}) {
            String body = recorded(file);
            SendResult.Split r = assertInstanceOf(SendResult.Split.class, classifier.classify(400, body, null), file);
            assertEquals("bad_request", r.reason().label());
            assertEquals("HTTP 400: " + body.strip(), r.detail());
        }
    }

    @Test void rateLimitWithoutRetryAfterIsRetryableOnTheBackoffSchedule() throws IOException {
        SendResult.Retryable r = assertInstanceOf(SendResult.Retryable.class,
                classifier.classify(429, recorded("429-rate-limit.txt"), null));
        assertEquals("rate_limited", r.reason().label());
        assertNull(r.retryAfter());
        assertTrue(r.detail().contains("Ingestion rate limit exceeded"));
    }

    @Test void retryAfterSecondsAndHttpDateAreHonoured() {
        assertEquals(Duration.ofSeconds(7), ((SendResult.Retryable) classifier.classify(429, "", "7")).retryAfter());
        assertEquals(Duration.ofSeconds(30),
                ((SendResult.Retryable) classifier.classify(429, "", "Fri, 27 Nov 2026 08:00:30 GMT")).retryAfter());
        assertNull(((SendResult.Retryable) classifier.classify(429, "", "soon")).retryAfter());
    }

    @Test void serverErrorsAreRetryable() throws IOException {
        SendResult.Retryable r = assertInstanceOf(SendResult.Retryable.class,
                classifier.classify(500, recorded("500-ingester-unavailable.txt"), null));
        assertEquals("server_error", r.reason().label());
        assertEquals(Reason.SERVER_ERROR, ((SendResult.Retryable) classifier.classify(503, "", null)).reason());
        assertEquals("HTTP 503", ((SendResult.Retryable) classifier.classify(503, "", null)).detail());
    }

    @Test void authFailuresAreRetryableNotDropped() throws IOException {
        SendResult.Retryable r = assertInstanceOf(SendResult.Retryable.class,
                classifier.classify(401, recorded("401-no-org-id.txt"), null));
        assertEquals("auth", r.reason().label());
        assertEquals("HTTP 401: no org id", r.detail());
        assertEquals(Reason.AUTH, ((SendResult.Retryable) classifier.classify(403, "forbidden", null)).reason());
    }

    @Test void notFoundIsAConfigProblemRetriedNotDropped() {
        SendResult r = classifier.classify(404, "404 page not found\n", null);
        assertEquals(new SendResult.Retryable(Reason.NOT_FOUND, "HTTP 404: 404 page not found"), r);
    }

    @Test void payloadTooLargeIsSplitBySender() {
        assertEquals(new SendResult.Split(Reason.TOO_LARGE, "HTTP 413"), classifier.classify(413, "", null));
    }

    @Test void longBodiesAreTruncatedInTheDetail() {
        String body = "x".repeat(5000);
        String detail = ((SendResult.Split) classifier.classify(400, body, null)).detail();
        assertTrue(detail.length() < 1100, detail.length() + " chars");
    }

    @Test void networkFailuresAreConnectionErrors() {
        assertEquals(Reason.CONNECTION, ((SendResult.Retryable) LokiResponseClassifier.classifyFailure(new ConnectException("refused"))).reason());
        SendResult.Retryable t = (SendResult.Retryable) LokiResponseClassifier.classifyFailure(new SocketTimeoutException("timeout"));
        assertEquals("timeout", t.reason().label());
        assertTrue(t.detail().startsWith("timeout"));
    }

    private static String recorded(String name) throws IOException {
        try (InputStream in = LokiResponseClassifierTest.class.getResourceAsStream("/loki/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
