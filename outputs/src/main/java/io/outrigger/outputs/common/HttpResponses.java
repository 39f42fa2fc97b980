package io.outrigger.outputs.common;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Pieces every HTTP output's response classifier needs. Which status means which {@code SendResult} stays with
 * each output's classifier (the servers differ); this only reads what is common to HTTP.
 */
public final class HttpResponses {

    private HttpResponses() {}

    /** True for 2xx. */
    public static boolean isSuccess(int status) { return status >= 200 && status < 300; }

    /**
     * The wait a {@code Retry-After} header asks for: delay-seconds or an HTTP date (RFC 1123), measured from
     * {@code clock}; a date in the past is zero. Null when absent, negative or unreadable.
     */
    public static Duration retryAfter(String header, InstantSource clock) {
        if (header == null || header.isBlank()) return null;
        String v = header.strip();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            // not seconds: an HTTP date
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(clock.instant(), at);
            return d.isNegative() ? Duration.ZERO : d;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** {@code HTTP <status>: <body, stripped, at most maxChars then "...">}, or {@code HTTP <status>} for a blank body. */
    public static String detail(int status, String body, int maxChars) {
        String b = body == null ? "" : body.strip();
        return b.isEmpty() ? "HTTP " + status : "HTTP " + status + ": " + truncate(b, maxChars);
    }

    /** {@code s} cut to {@code maxChars} characters, with "..." appended when cut. */
    public static String truncate(String s, int maxChars) {
        return s.length() <= maxChars ? s : s.substring(0, maxChars) + "...";
    }

    /** Whether a failure (or one of its causes) was a TLS handshake or certificate problem. */
    public static boolean isTls(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException || t instanceof java.security.cert.CertificateException) return true;
            if (t.getCause() == t) break;
        }
        return false;
    }

    /** Whether an HTTP client's failure (OkHttp's {@code onFailure}) was a timeout rather than a connection problem. */
    public static boolean isTimeout(IOException e) {
        return e instanceof SocketTimeoutException || e instanceof InterruptedIOException;
    }
}
