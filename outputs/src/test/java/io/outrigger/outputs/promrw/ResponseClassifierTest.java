package io.outrigger.outputs.promrw;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.outrigger.core.pipeline.Reason;
import io.outrigger.core.pipeline.SendResult;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ResponseClassifierTest {

    static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-11-27T06:00:00Z"));

    static Stream<Arguments> answers() {
        return Stream.of(
                Arguments.of(204, null, "", SendResult.DELIVERED),
                Arguments.of(200, null, "", SendResult.DELIVERED),
                // Prometheus 2.x recorded answer for an out-of-order sample: rejected, never retried
                Arguments.of(400, null, "out of order sample\n", new SendResult.Rejected(Reason.BAD_REQUEST, "HTTP 400: out of order sample")),
                Arguments.of(400, null, "duplicate sample for timestamp",
                        new SendResult.Rejected(Reason.BAD_REQUEST, "HTTP 400: duplicate sample for timestamp")),
                Arguments.of(404, null, "404 page not found", new SendResult.Retryable(Reason.NOT_FOUND, "HTTP 404: 404 page not found")),
                Arguments.of(401, null, "", new SendResult.Retryable(Reason.AUTH, "HTTP 401")),
                Arguments.of(403, null, "", new SendResult.Retryable(Reason.AUTH, "HTTP 403")),
                Arguments.of(413, null, "", new SendResult.Split(Reason.TOO_LARGE, "HTTP 413")),
                Arguments.of(429, "7", "slow down", new SendResult.Retryable(Reason.RATE_LIMITED, "HTTP 429: slow down", Duration.ofSeconds(7))),
                Arguments.of(503, "Fri, 27 Nov 2026 06:00:30 GMT", "",
                        new SendResult.Retryable(Reason.SERVER_ERROR, "HTTP 503", Duration.ofSeconds(30))),
                Arguments.of(500, "soon", "tsdb busy", new SendResult.Retryable(Reason.SERVER_ERROR, "HTTP 500: tsdb busy", null)),
                Arguments.of(502, null, "x".repeat(600), new SendResult.Retryable(Reason.SERVER_ERROR, "HTTP 502: " + "x".repeat(512) + "...", null)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("answers")
    void classifies(int status, String retryAfter, String body, SendResult expected) {
        assertEquals(expected, ResponseClassifier.classify(status, retryAfter, body, CLOCK));
    }
}
