package io.outrigger.agent.tap;

import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Value;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which records a tap client wants: a point (a pipeline's input side, after its stage N, its end, or whatever
 * reaches output O), an optional {@code --match} test, a sample rate and a cap on records per second.
 *
 * @param pipeline   the pipeline, null for any (with {@code output} set, any that routes to it)
 * @param point      {@link Tap#INPUT}, a stage ({@code "2"}, {@code "2.0"} inside a match), or {@link Tap#END}
 * @param input      at {@link Tap#INPUT}, only records of this input (null: any)
 * @param output     records on their way to this output (the end of every pipeline routing to it); null: none
 * @param match      {@code name=value}, {@code name!=value}, {@code name=~regex} or {@code name!~regex}, null for all;
 *                   the name is {@code message}, a field (dotted paths reach into objects) or else a label
 * @param sample     the fraction of matching records taken, 0 < sample <= 1 (every 1/sample-th one)
 * @param perSecond  the most records per second sent (what is over it is dropped, counted {@code rate_limited})
 */
public record TapFilter(String pipeline, String point, String input, String output, String match, double sample, int perSecond) {

    private static final Pattern MATCH = Pattern.compile("([A-Za-z_][A-Za-z0-9_.]*)\\s*(=~|!~|!=|=)(.*)");

    /** Null when the filter is usable, else what is wrong (for a 400 answer). */
    public String problem() {
        if (sample <= 0 || sample > 1) return "sample must be in (0, 1], got " + sample;
        if (perSecond < 1) return "limit must be at least 1 record per second, got " + perSecond;
        if (match != null) {
            var m = MATCH.matcher(match);
            if (!m.matches()) return "match must read name=value, name!=value, name=~regex or name!~regex, got \"" + match + "\"";
            if (m.group(2).contains("~")) {
                try {
                    Pattern.compile(m.group(3));
                } catch (PatternSyntaxException e) {
                    return "match: invalid regex: " + e.getDescription();
                }
            }
        }
        return null;
    }

    /** The compiled {@code match} test. */
    Test test() {
        if (match == null) return r -> true;
        var m = MATCH.matcher(match);
        if (!m.matches()) throw new IllegalStateException(problem());
        String name = m.group(1);
        String op = m.group(2);
        String value = m.group(3).strip();
        Pattern re = op.contains("~") ? Pattern.compile(value) : null;
        return r -> {
            String v = valueOf(r, name);
            boolean hit = re != null ? v != null && re.matcher(v).find() : value.equals(v);
            return op.startsWith("!") != hit;
        };
    }

    /** A test of one record; used from the pipelines' threads. */
    interface Test {
        boolean matches(LogRecord r);
    }

    private static String valueOf(LogRecord r, String name) {
        if (name.equals("message")) return r.message();
        Value v = r.fields().getPath(name);
        if (v != null && !(v instanceof Value.Null)) return v.asText();
        return r.labels().get(name);
    }
}
