package io.outrigger.parsers;

import io.outrigger.core.config.ByteSize;
import java.time.Duration;

/**
 * Joins lines into one record, per stream. Set exactly one of:
 *
 * @param startPattern    a line matching it starts a record; other lines continue the record before
 * @param continuePattern a line matching it continues the record before; other lines start a record
 * @param preset          {@code java} (stack traces), {@code python} (tracebacks) or {@code go} (panics, goroutine dumps)
 * @param flushTimeout    a record that got no line for this long is passed on (default 1s)
 * @param maxLines        at this many lines the record is passed on, flagged {@code join_capped} (default 500)
 * @param maxBytes        likewise for its size in characters (default 1MiB)
 */
public record MultilineConfig(String startPattern, String continuePattern, String preset, Duration flushTimeout,
                              Integer maxLines, ByteSize maxBytes) {
    public MultilineConfig {
        if (flushTimeout == null) flushTimeout = Duration.ofSeconds(1);
        if (maxLines == null) maxLines = 500;
        if (maxBytes == null) maxBytes = ByteSize.ofMiB(1);
    }

    public MultilineConfig() { this(null, null, null, null, null, null); }
}
