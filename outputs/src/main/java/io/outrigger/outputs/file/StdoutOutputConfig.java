package io.outrigger.outputs.file;

import io.outrigger.core.config.BatchConfig;
import io.outrigger.core.config.OutputSettings;
import io.outrigger.core.config.RetryConfig;
import java.time.Duration;

/** {@code type: stdout}: records as JSON lines on standard output. */
public record StdoutOutputConfig(BatchConfig batch, RetryConfig retry, Integer concurrency) implements OutputSettings {

    public StdoutOutputConfig {
        if (batch == null) batch = new BatchConfig(1000, null, Duration.ofMillis(200));
        if (retry == null) retry = RetryConfig.DEFAULT;
        if (concurrency == null) concurrency = 1;
    }
}
