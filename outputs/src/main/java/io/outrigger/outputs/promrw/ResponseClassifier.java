package io.outrigger.outputs.promrw;

import io.outrigger.core.pipeline.SendResult;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Turns a remote write answer into a {@link SendResult}: 2xx delivered; 429 and 5xx retryable (Retry-After, in
 * seconds or as an HTTP date, honoured); any other status rejected. Prometheus answers 400 for out-of-order,
 * duplicate and too-old samples: sending those again can never succeed, so they are rejected, not retried.
 */
final class ResponseClassifier {

    static final int MAX_DETAIL_CHARS = 512;

    private ResponseClassifier() {}

    static SendResult classify(int status, String retryAfter, String body, InstantSource clock) {
        if (status >= 200 && status < 300) return SendResult.DELIVERED;
        String detail = "HTTP " + status + (body == null || body.isBlank() ? "" : ": " + trim(body));
        if (status == 429) return new SendResult.Retryable("http_429", detail, retryAfter(retryAfter, clock));
        if (status >= 500) return new SendResult.Retryable("server_error", detail, retryAfter(retryAfter, clock));
        if (status == 413) return new SendResult.Rejected("too_large", detail);
        if (status == 401 || status == 403) return new SendResult.Rejected("unauthorized", detail);
        return new SendResult.Rejected("bad_request", detail);
    }

    /** The wait a Retry-After header asks for, or null when absent or unreadable. */
    static Duration retryAfter(String header, InstantSource clock) {
        if (header == null || header.isBlank()) return null;
        String h = header.trim();
        try {
            long seconds = Long.parseLong(h);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            // not seconds: an HTTP date
        }
        try {
            Instant at = ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(clock.instant(), at);
            return d.isNegative() ? Duration.ZERO : d;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String trim(String body) {
        String b = body.strip();
        return b.length() <= MAX_DETAIL_CHARS ? b : b.substring(0, MAX_DETAIL_CHARS) + "...";
    }
}
