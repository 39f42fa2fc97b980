package io.outrigger.parsers;

import io.outrigger.core.config.ByteSize;
import java.time.Duration;

/**
 * {@code - cri} or {@code - cri: {max_bytes: 1MiB, flush_timeout: 5s}}: container runtime (containerd, CRI-O) log
 * lines {@code <time> <stream> <P|F> <log>}.
 *
 * @param maxBytes     cap on a record joined from partial ({@code P}) lines; at the cap the joined record is passed
 *                     on, flagged {@code join_capped}, and joining goes on in a new record
 * @param flushTimeout a partial record whose final line does not come for this long is passed on as it is
 */
public record CriConfig(ByteSize maxBytes, Duration flushTimeout) {
    public CriConfig {
        if (maxBytes == null) maxBytes = ByteSize.ofMiB(1);
        if (flushTimeout == null) flushTimeout = Duration.ofSeconds(5);
    }

    public CriConfig() { this(null, null); }
}
