package io.outrigger.outputs.file;

import io.outrigger.core.config.BatchConfig;
import io.outrigger.core.config.ByteSize;
import io.outrigger.core.config.OutputSettings;
import io.outrigger.core.config.RetryConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code type: file}: records as JSON lines appended to {@code path}. The parent directory is created.
 * A write counts as delivered once the operating system has it ({@code fsync: true} forces it to disk first, at a
 * large cost per batch).
 */
public record FileOutputConfig(Path path, Boolean fsync, BatchConfig batch, RetryConfig retry, Integer concurrency)
        implements OutputSettings {

    public FileOutputConfig {
        if (fsync == null) fsync = false;
        if (batch == null) batch = new BatchConfig(2000, ByteSize.ofMiB(2), Duration.ofMillis(200));
        if (retry == null) retry = RetryConfig.DEFAULT;
        if (concurrency == null) concurrency = 1;
    }
}
