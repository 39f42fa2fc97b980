package io.outrigger.outputs.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;

class HttpResponsesTest {

    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-11-27T08:00:00Z"));

    @Test void retryAfterSeconds() {
        assertEquals(Duration.ofSeconds(7), HttpResponses.retryAfter(" 7 ", CLOCK));
        assertEquals(Duration.ZERO, HttpResponses.retryAfter("0", CLOCK));
        assertNull(HttpResponses.retryAfter("-1", CLOCK));
    }

    @Test void retryAfterHttpDateIsMeasuredFromTheClock() {
        assertEquals(Duration.ofSeconds(30), HttpResponses.retryAfter("Fri, 27 Nov 2026 08:00:30 GMT", CLOCK));
        assertEquals(Duration.ZERO, HttpResponses.retryAfter("Fri, 27 Nov 2026 07:59:00 GMT", CLOCK));
    }

    @Test void retryAfterAbsentOrUnreadableIsNull() {
        assertNull(HttpResponses.retryAfter(null, CLOCK));
        assertNull(HttpResponses.retryAfter("  ", CLOCK));
        assertNull(HttpResponses.retryAfter("soon", CLOCK));
    }

    @Test void detailAndTruncate() {
        assertEquals("HTTP 500", HttpResponses.detail(500, null, 10));
        assertEquals("HTTP 500", HttpResponses.detail(500, " \n", 10));
        assertEquals("HTTP 400: bad", HttpResponses.detail(400, " bad\n", 10));
        assertEquals("HTTP 400: abcde...", HttpResponses.detail(400, "abcdefgh", 5));
        assertEquals("abcde", HttpResponses.truncate("abcde", 5));
        assertEquals("abcd...", HttpResponses.truncate("abcde", 4));
    }

    @Test void successIsTwoHundreds() {
        assertTrue(HttpResponses.isSuccess(200));
        assertTrue(HttpResponses.isSuccess(299));
        assertFalse(HttpResponses.isSuccess(199));
        assertFalse(HttpResponses.isSuccess(300));
    }

    @Test void timeouts() {
        assertTrue(HttpResponses.isTimeout(new SocketTimeoutException("read timed out")));
        assertTrue(HttpResponses.isTimeout(new InterruptedIOException("timeout")));
        assertFalse(HttpResponses.isTimeout(new ConnectException("refused")));
        assertFalse(HttpResponses.isTimeout(new IOException("reset")));
    }
}
