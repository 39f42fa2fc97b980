package io.outrigger.core.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.outrigger.core.config.RetryConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final RetryConfig config = new RetryConfig(Duration.ofMillis(100), Duration.ofSeconds(2), 0.5, 0, Duration.ofMinutes(1));

    @Test
    void doublesUpToTheCapWithoutJitterAtZero() {
        Backoff b = new Backoff(config, () -> 0.0);
        assertEquals(Duration.ofMillis(100), b.delay(1, null));
        assertEquals(Duration.ofMillis(200), b.delay(2, null));
        assertEquals(Duration.ofMillis(1600), b.delay(5, null));
        assertEquals(Duration.ofSeconds(2), b.delay(6, null));
        assertEquals(Duration.ofSeconds(2), b.delay(500, null));
    }

    @Test
    void jitterTakesOffUpToItsFraction() {
        Backoff b = new Backoff(config, () -> 1.0);
        assertEquals(Duration.ofMillis(50), b.delay(1, null));
    }

    @Test
    void retryAfterWinsButIsCapped() {
        Backoff b = new Backoff(config, () -> 0.0);
        assertEquals(Duration.ofSeconds(7), b.delay(1, Duration.ofSeconds(7)));
        assertEquals(Duration.ofMinutes(1), b.delay(1, Duration.ofHours(1)));
    }
}
