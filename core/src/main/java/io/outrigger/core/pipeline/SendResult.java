package io.outrigger.core.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An output's answer for one {@link Batch}. Outputs never sleep or loop: they classify the server's answer and
 * the shared sender does the rest (backoff, Retry-After, dead letters, acknowledgements).
 *
 * <p>{@code reason} values are short fixed words used as metric label values ({@code "http_429"},
 * {@code "server_error"}, {@code "connection"}, {@code "bad_request"}, {@code "too_large"}...), never raw error
 * text; {@code detail} carries the server's message for logs and dead letters.
 */
public sealed interface SendResult {

    SendResult DELIVERED = new Delivered();

    /** The whole batch was accepted. */
    record Delivered() implements SendResult {}

    /**
     * Try the whole batch again later.
     *
     * @param retryAfter what the server asked for (Retry-After), or null to use the backoff schedule
     */
    record Retryable(String reason, String detail, Duration retryAfter) implements SendResult {
        public Retryable {
            Objects.requireNonNull(reason, "reason");
            detail = detail == null ? "" : detail;
        }

        public Retryable(String reason, String detail) { this(reason, detail, null); }
    }

    /** The server will never accept these records: they go to dead letters, never retried. */
    record Rejected(String reason, String detail) implements SendResult {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            detail = detail == null ? "" : detail;
        }
    }

    /**
     * A per-record answer (an Elasticsearch bulk response): one of {@link Delivered}, {@link Retryable} or
     * {@link Rejected} for each record of the batch, in batch order. Only the retryable ones are sent again.
     */
    record PerRecord(List<SendResult> results) implements SendResult {
        public PerRecord {
            results = List.copyOf(results);
            for (SendResult r : results) {
                if (r instanceof PerRecord) throw new IllegalArgumentException("PerRecord cannot nest");
            }
        }
    }
}
