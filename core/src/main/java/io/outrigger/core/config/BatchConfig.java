package io.outrigger.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How an output groups records: a batch is sent when it holds {@code max_records}, or {@code max_bytes}, or its
 * oldest record has waited {@code max_wait}. The same keys for every output.
 */
public record BatchConfig(Integer maxRecords, ByteSize maxBytes, Duration maxWait) {

    public static final BatchConfig DEFAULT = new BatchConfig(null, null, null);

    public BatchConfig {
        if (maxRecords == null) maxRecords = 1000;
        if (maxBytes == null) maxBytes = ByteSize.ofMiB(1);
        if (maxWait == null) maxWait = Duration.ofSeconds(1);
    }

    public BatchConfig withDefaults(int records, ByteSize bytes, Duration wait) {
        return new BatchConfig(records, bytes, wait);
    }

    public List<ConfigProblem> validate() {
        List<ConfigProblem> p = new ArrayList<>();
        if (maxRecords < 1) p.add(new ConfigProblem("max_records", "must be at least 1, got " + maxRecords));
        if (maxBytes.bytes() < 1) p.add(new ConfigProblem("max_bytes", "must be at least 1B"));
        if (maxWait.isNegative()) p.add(new ConfigProblem("max_wait", "must not be negative"));
        return p;
    }
}
