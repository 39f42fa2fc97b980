package io.outrigger.parsers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.outrigger.core.event.Value;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TimeParserTest {

    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-01-02T00:00:00Z"));

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "rfc3339     | UTC           | 2026-11-27T05:00:00Z                 | 2026-11-27T05:00:00Z",
            "rfc3339nano | UTC           | 2026-11-27T05:00:00.000000001Z       | 2026-11-27T05:00:00.000000001Z",
            "rfc3339     | UTC           | 2026-11-27t05:00:00.5-01:30          | 2026-11-27T06:30:00.5Z",
            "rfc3339     | UTC           | 2024-02-29T23:59:60Z                 | 2024-02-29T23:59:59Z",
            "rfc3339     | Europe/Berlin | 2026-07-01T12:00:00                  | 2026-07-01T10:00:00Z",
            "iso8601     | UTC           | 2026-11-27T05:00:00.123+0100         | 2026-11-27T04:00:00.123Z",
            "iso8601     | UTC           | 2026-11-27T05:00:00+01:00[Europe/Paris] | 2026-11-27T04:00:00Z",
            "unix        | UTC           | 1700000000                           | 2023-11-14T22:13:20Z",
            "unix        | UTC           | 1700000000.123456789                 | 2023-11-14T22:13:20.123456789Z",
            "unix_ms     | UTC           | 1700000000123                        | 2023-11-14T22:13:20.123Z",
            "unix_us     | UTC           | 1700000000123456                     | 2023-11-14T22:13:20.123456Z",
            "unix_ns     | UTC           | 1700000000123456789                  | 2023-11-14T22:13:20.123456789Z",
            "auto        | UTC           | 1700000000123                        | 2023-11-14T22:13:20.123Z",
            "auto        | UTC           | 2026-11-27 05:00:00,25               | 2026-11-27T05:00:00.25Z",
            "rfc3164     | UTC           | Dec 31 23:00:00                      | 2025-12-31T23:00:00Z",
            "rfc3164     | UTC           | Jan  1 10:00:00                      | 2026-01-01T10:00:00Z",
            "dd/MMM/yyyy:HH:mm:ss Z       | UTC | 27/Nov/2026:05:59:01 +0200 | 2026-11-27T03:59:01Z",
            "%d/%b/%Y:%H:%M:%S %z         | UTC | 27/nov/2026:05:59:01 +0000 | 2026-11-27T05:59:01Z",
            "yyyy-MM-dd HH:mm:ss          | Asia/Tokyo | 2026-11-27 09:00:00 | 2026-11-27T00:00:00Z",
            "yyyyMMdd                     | UTC | 20261127 | 2026-11-27T00:00:00Z",
    })
    void parses(String format, String zone, String text, String expected) {
        TimeParser p = TimeParser.of(format, ZoneId.of(zone), CLOCK);
        Instant want = Instant.parse(expected);
        assertEquals(want.getEpochSecond() * 1_000_000_000L + want.getNano(), p.parse(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "rfc3339 | 2026-11-27", "rfc3339 | 2026-11-27T25:00:00Z", "rfc3339 | 2026-02-29T00:00:00Z",
            "rfc3339 | 2026-11-27T05:00:00Zjunk", "rfc3339 | 2026-11-27T05:00:00.Z", "unix | 12a", "unix | 1.",
            "unix_ms | 99999999999999999999999", "auto | soon", "yyyy-MM-dd | 2026-13-01",
            "dd/MMM/yyyy:HH:mm:ss Z | 31/Feb/2026:00:00:00 +0000", "dd/MMM/yyyy:HH:mm:ss Z | 01/Foo/2026:00:00:00 +0000"})
    void rejects(String format, String text) {
        assertEquals(TimeParser.FAILED, TimeParser.of(format, ZoneId.of("UTC"), CLOCK).parse(text));
    }

    @Test
    void numbersAndBadPatterns() {
        TimeParser unix = TimeParser.of("unix", ZoneId.of("UTC"), CLOCK);
        assertEquals(1_500_000_000L, unix.parse(new Value.Float(1.5)));
        assertEquals(TimeParser.FAILED, unix.parse(Value.TRUE));
        assertEquals(TimeParser.FAILED, unix.parse(new Value.Int(Long.MAX_VALUE / 10)));
        assertThrows(IllegalArgumentException.class, () -> TimeParser.of("yyyy-MM-dd qqqqqq {", ZoneId.of("UTC"), CLOCK));
        assertThrows(IllegalArgumentException.class, () -> TimeParser.of("%Q", ZoneId.of("UTC"), CLOCK));
    }
}
