package io.outrigger.parsers;

import io.outrigger.core.config.ByteSize;
import java.time.Duration;

/**
 * {@code - docker} or {@code - docker: {max_bytes: 1MiB, flush_timeout: 5s}}: Docker json-file lines
 * {@code {"log":"text\n","stream":"stdout","time":"..."}}.
 *
 * @param maxBytes     cap on a record joined from partial lines (a {@code log} without a trailing newline)
 * @param flushTimeout a partial record whose last part does not come for this long is passed on as it is
 */
public record DockerConfig(ByteSize maxBytes, Duration flushTimeout) {
    public DockerConfig {
        if (maxBytes == null) maxBytes = ByteSize.ofMiB(1);
        if (flushTimeout == null) flushTimeout = Duration.ofSeconds(5);
    }

    public DockerConfig() { this(null, null); }
}
