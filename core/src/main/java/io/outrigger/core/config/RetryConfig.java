package io.outrigger.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the shared sender retries a batch an output answered "retryable" for: exponential backoff from
 * {@code initial_backoff} doubling to {@code max_backoff}, with {@code jitter} (0..1, the random fraction taken off
 * each wait). {@code max_attempts} 0 retries until delivered (no data loss while a server is down); a positive
 * value sends the batch to dead letters once it has been tried that many times. A server's Retry-After wins over
 * the schedule, capped at {@code max_retry_after}.
 */
public record RetryConfig(Duration initialBackoff, Duration maxBackoff, Double jitter, Integer maxAttempts,
                          Duration maxRetryAfter) {

    public static final RetryConfig DEFAULT = new RetryConfig(null, null, null, null, null);

    public RetryConfig {
        if (initialBackoff == null) initialBackoff = Duration.ofMillis(250);
        if (maxBackoff == null) maxBackoff = Duration.ofSeconds(30);
        if (jitter == null) jitter = 0.2;
        if (maxAttempts == null) maxAttempts = 0;
        if (maxRetryAfter == null) maxRetryAfter = Duration.ofMinutes(5);
    }

    public List<ConfigProblem> validate() {
        List<ConfigProblem> p = new ArrayList<>();
        if (initialBackoff.isNegative() || initialBackoff.isZero()) p.add(new ConfigProblem("initial_backoff", "must be positive"));
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            p.add(new ConfigProblem("max_backoff", "must be at least initial_backoff (" + Durations.format(initialBackoff) + ")"));
        }
        if (jitter < 0 || jitter > 1) p.add(new ConfigProblem("jitter", "must be between 0 and 1, got " + jitter));
        if (maxAttempts < 0) p.add(new ConfigProblem("max_attempts", "must be 0 (retry until delivered) or more, got " + maxAttempts));
        return p;
    }
}
