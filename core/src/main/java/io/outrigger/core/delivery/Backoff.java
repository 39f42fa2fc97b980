package io.outrigger.core.delivery;

import io.outrigger.core.config.RetryConfig;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: attempt 1 waits about {@code initial_backoff}, each later one twice as long,
 * capped at {@code max_backoff}; a random fraction up to {@code jitter} is taken off so many agents that lost the
 * same server do not all come back at the same instant. A server's Retry-After replaces the schedule, capped at
 * {@code max_retry_after}.
 */
final class Backoff {

    private final RetryConfig config;
    private final DoubleSupplier random;

    Backoff(RetryConfig config, DoubleSupplier random) {
        this.config = config;
        this.random = random;
    }

    /** How long to wait before retry number {@code attempt} (1 = the first retry). */
    Duration delay(int attempt, Duration retryAfter) {
        if (retryAfter != null && !retryAfter.isNegative()) {
            return retryAfter.compareTo(config.maxRetryAfter()) > 0 ? config.maxRetryAfter() : retryAfter;
        }
        long initial = config.initialBackoff().toNanos();
        long cap = config.maxBackoff().toNanos();
        int shift = Math.min(Math.max(attempt - 1, 0), 40);
        long base = initial > (cap >> shift) ? cap : Math.min(cap, initial << shift);
        double jittered = base * (1.0 - config.jitter() * random.getAsDouble());
        return Duration.ofNanos(Math.max(1, (long) jittered));
    }
}
