package io.outrigger.parsers.process;

import java.time.Duration;

/**
 * {@code - drop: {field: level, equals: debug}} drops matching records; with {@code keep: true} only matching
 * records are kept. Conditions as in {@link ConditionConfig}. {@code older_than: 24h} matches records whose time is
 * before now minus that duration; together with a condition, both must match.
 */
public record DropConfig(String field, String equals, String regex, Boolean missing, Boolean keep, Duration olderThan) {
    public DropConfig {
        if (field == null) field = "message";
        if (keep == null) keep = false;
    }

    public ConditionConfig condition() { return new ConditionConfig(field, equals, regex, missing); }

    /** Whether a field condition is set (a stage with only {@code older_than} has none). */
    boolean hasCondition() { return equals != null || regex != null || missing != null; }
}
