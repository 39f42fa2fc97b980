package io.outrigger.parsers.process;

import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Value;
import io.outrigger.parsers.RegexStageFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test on a record: a field (or the message) equals a text, matches a regex, or is missing/present. Built
 * from a {@link ConditionConfig} once per stage chain; it reuses one regex matcher, so use it from one thread
 * (as stages are).
 */
public final class Condition {

    private final String field;
    private final String equals;
    private final Matcher regex;
    private final Boolean missing;

    private Condition(ConditionConfig c) {
        this.field = c.field();
        this.equals = c.equals();
        this.regex = c.regex() == null ? null : Pattern.compile(c.regex()).matcher("");
        this.missing = c.missing();
    }

    /** Every problem with {@code config}, paths relative to where it is written ({@code regex}, {@code equals}). */
    public static List<ConfigProblem> validate(ConditionConfig config) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (config.equals() == null && config.regex() == null && config.missing() == null) {
            problems.add(new ConfigProblem("", "set at least one of equals, regex or missing"));
        }
        if (config.regex() != null) {
            ConfigProblem p = RegexStageFactory.patternProblem("regex", config.regex());
            if (p != null) problems.add(p);
        }
        if (config.field().isEmpty()) problems.add(new ConfigProblem("field", "must not be empty"));
        return problems;
    }

    /** A condition from a config that {@link #validate} accepted. */
    public static Condition of(ConditionConfig config) {
        return new Condition(config);
    }

    public boolean test(LogRecord record) {
        Value v = Template.lookup(record, field);
        if (missing != null && missing != (v == null)) return false;
        if (equals != null && (v == null || !equals.equals(v.asText()))) return false;
        if (regex != null) {
            if (v == null) return false;
            try {
                return regex.reset(v.asText()).find();
            } catch (StackOverflowError e) {
                return false; // a pattern that recurses too deep on a huge value does not match it
            } finally {
                regex.reset("");
            }
        }
        return true;
    }
}
