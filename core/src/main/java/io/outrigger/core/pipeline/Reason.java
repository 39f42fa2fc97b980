package io.outrigger.core.pipeline;

/**
 * Why records were not delivered (yet): the one closed set of {@code reason} label values every output uses, on
 * {@code outrigger_output_retries_total}, {@code outrigger_output_records_rejected_total} and in dead letters.
 * The server's own words go in a result's {@code detail}, never in a label.
 */
public enum Reason {
    /** No answer: connection refused or reset, host not found, TLS handshake failed. Retried. */
    CONNECTION("connection", true),
    /** The TLS handshake failed: the server's certificate is not trusted or not for this host, or ours was refused. Retried. */
    TLS("tls", true),
    /** No answer in time (request, metadata or delivery timeout). Retried. */
    TIMEOUT("timeout", true),
    /** Credentials or permissions refused (HTTP 401/403, Kafka authentication or authorization). Retried, never dead-lettered. */
    AUTH("auth", true),
    /** The target does not exist (HTTP 404: a wrong URL or route). Retried. */
    NOT_FOUND("not_found", true),
    /** The server asked to slow down (HTTP 429). Retried, after Retry-After when given. */
    RATE_LIMITED("rate_limited", true),
    /** The server failed or is unavailable (HTTP 5xx and 408, Kafka's retriable errors, an unreadable answer). Retried. */
    SERVER_ERROR("server_error", true),
    /** Too large for the server even alone (HTTP 413, Kafka's record too large): batches are split down to one record first. */
    TOO_LARGE("too_large", false),
    /** The server refused the record for good (HTTP 400 and other 4xx, a mapping error, an entry too old). */
    BAD_REQUEST("bad_request", false),
    /** The document exists already (Elasticsearch 409 without deterministic ids). */
    CONFLICT("conflict", false),
    /** Found before sending: the record cannot be encoded for this output (no labels, not a metric, a bad topic or index name). */
    INVALID_RECORD("invalid_record", false),
    /** Older than what its Loki stream already received, with {@code out_of_order: drop}. */
    OUT_OF_ORDER("out_of_order", false),
    /** A local write failed (file output: disk full, permission). Retried. */
    IO_ERROR("io_error", true),
    /** The output is closing; the records stay unacknowledged and are read again after a restart. */
    CLOSED("closed", true),
    /** Retried {@code retry.max_attempts} times without success. */
    RETRIES_EXHAUSTED("retries_exhausted", false),
    /** A failure inside the agent (an unexpected exception, an unreadable token file, an encoding failure). Retried. */
    INTERNAL("internal", true);

    private final String label;
    private final boolean retried;

    Reason(String label, boolean retried) {
        this.label = label;
        this.retried = retried;
    }

    /**
     * True for a reason records are sent again for ({@link SendResult.Retryable}), false for one they are
     * dead-lettered for ({@link SendResult.Rejected}, {@link SendResult.Split}): each reason is one or the other,
     * so, say, {@code auth} is retried by every output alike.
     */
    public boolean retried() { return retried; }

    /** The metric label value. */
    public String label() { return label; }

    /** Answers that mean the output is misconfigured or refused, not merely slow: the output is not ready at once. */
    public boolean meansMisconfigured() { return this == AUTH || this == NOT_FOUND; }

    @Override public String toString() { return label; }
}
