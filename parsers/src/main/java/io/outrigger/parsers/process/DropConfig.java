package io.outrigger.parsers.process;

/**
 * {@code - drop: {field: level, equals: debug}} drops matching records; with {@code keep: true} only matching
 * records are kept. Conditions as in {@link ConditionConfig}.
 */
public record DropConfig(String field, String equals, String regex, Boolean missing, Boolean keep) {
    public DropConfig {
        if (field == null) field = "message";
        if (keep == null) keep = false;
    }

    public ConditionConfig condition() { return new ConditionConfig(field, equals, regex, missing); }
}
