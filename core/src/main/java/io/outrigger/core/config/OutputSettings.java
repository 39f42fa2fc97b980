package io.outrigger.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The blocks every output config shares, under the same keys: {@code batch}, {@code retry}, {@code concurrency}
 * (requests in flight at once). An output's config record implements this so the core's sender can read them.
 */
public interface OutputSettings {

    BatchConfig batch();

    RetryConfig retry();

    Integer concurrency();

    /** Problems with the shared blocks, with their key paths. */
    default List<ConfigProblem> validateShared() {
        List<ConfigProblem> p = new ArrayList<>();
        if (batch() != null) batch().validate().forEach(x -> p.add(x.under("batch")));
        if (retry() != null) retry().validate().forEach(x -> p.add(x.under("retry")));
        if (concurrency() != null && concurrency() < 1) {
            p.add(new ConfigProblem("concurrency", "must be at least 1, got " + concurrency()));
        }
        return p;
    }
}
