package io.outrigger.core.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An output's answer for one {@link Batch}. Outputs never sleep, loop or split: they classify the server's answer
 * and the shared sender does the rest (backoff, Retry-After, splitting, dead letters, acknowledgements).
 *
 * <p>{@code reason} comes from the closed set {@link Reason} (a metric label value); {@code detail} carries the
 * server's message for logs and dead letters.
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
    record Retryable(Reason reason, String detail, Duration retryAfter) implements SendResult {
        public Retryable {
            Objects.requireNonNull(reason, "reason");
            if (!reason.retried()) throw new IllegalArgumentException(reason + " is a reason to reject, not to retry");
            detail = detail == null ? "" : detail;
        }

        public Retryable(Reason reason, String detail) { this(reason, detail, null); }
    }

    /** The server will never accept these records: they go to dead letters, never retried. */
    record Rejected(Reason reason, String detail) implements SendResult {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            if (reason.retried()) throw new IllegalArgumentException(reason + " is a reason to retry, not to reject");
            detail = detail == null ? "" : detail;
        }
    }

    /**
     * Some records of this batch were refused and the server did not say which, or the batch is too large for one
     * request: the sender sends it again in two halves, one after the other, and halves what is answered
     * {@code Split} again. A single record answered {@code Split} is rejected with this reason and detail.
     * An output answers this only where sending a record the server already stored again is harmless (Loki
     * answers an identical entry with success) or where nothing was stored (a request too large).
     */
    record Split(Reason reason, String detail) implements SendResult {
        public Split {
            Objects.requireNonNull(reason, "reason");
            if (reason.retried()) throw new IllegalArgumentException(reason + " is a reason to retry, not to reject");
            detail = detail == null ? "" : detail;
        }
    }

    /**
     * A per-record answer (an Elasticsearch bulk response): one of {@link Delivered}, {@link Retryable},
     * {@link Rejected} or {@link Split} for each record of the batch, in batch order. The retryable ones are sent
     * again; the ones answered {@code Split} are sent again in halves.
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
