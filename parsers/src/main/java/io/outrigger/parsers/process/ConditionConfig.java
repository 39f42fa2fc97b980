package io.outrigger.parsers.process;

/**
 * A record condition, as written under {@code drop:} or {@code match: {when: ...}}. All given tests must hold.
 *
 * @param field   the field to test (dotted names reach into nested objects); {@code message} (the default) is the
 *                message
 * @param equals  the field's text equals this
 * @param regex   a regex found in the field's text
 * @param missing true: the field is missing; false: it is present
 */
public record ConditionConfig(String field, String equals, String regex, Boolean missing) {
    public ConditionConfig {
        if (field == null) field = "message";
    }
}
