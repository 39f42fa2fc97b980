package io.outrigger.parsers.process;

import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.event.Fields;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Value;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageFactory;
import io.outrigger.core.pipeline.StageOutput;
import io.outrigger.parsers.RegexStageFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Replaces secrets in messages and fields. */
public final class RedactStageFactory implements StageFactory<RedactConfig> {

    static final Map<String, String> PRESETS = Map.of(
            "credit_card", "(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])",
            "bearer_token", "(?i)\\bbearer\\s+(?<secret>[A-Za-z0-9\\-._~+/]+=*)",
            // the lookbehind starts a match only where a run of address characters starts, so a long run
            // without '@' is scanned once, not once per position
            "email", "(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]++@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");

    @Override public String type() { return "redact"; }
    @Override public Class<RedactConfig> configType() { return RedactConfig.class; }

    private static List<String> presetNames(RedactConfig c) {
        List<String> names = new ArrayList<>();
        if (c.preset() != null) names.add(c.preset());
        names.addAll(c.presets());
        return names;
    }

    @Override public List<ConfigProblem> validate(RedactConfig c) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (c.pattern() == null && presetNames(c).isEmpty()) {
            problems.add(new ConfigProblem("", "set pattern or preset (" + known() + ")"));
        }
        if (c.pattern() != null) {
            ConfigProblem p = RegexStageFactory.patternProblem("pattern", c.pattern());
            if (p != null) problems.add(p);
        }
        if (c.preset() != null && !PRESETS.containsKey(c.preset())) {
            problems.add(new ConfigProblem("preset", "unknown preset \"" + c.preset() + "\" (known: " + known() + ")"));
        }
        for (int i = 0; i < c.presets().size(); i++) {
            String name = c.presets().get(i);
            if (!PRESETS.containsKey(name)) {
                problems.add(new ConfigProblem("presets[" + i + "]", "unknown preset \"" + name + "\" (known: " + known() + ")"));
            }
        }
        return problems;
    }

    private static String known() { return String.join(", ", new java.util.TreeSet<>(PRESETS.keySet())); }

    @Override public Stage create(RedactConfig c, ComponentContext context) {
        List<Rule> rules = new ArrayList<>();
        for (String name : presetNames(c)) {
            rules.add(new Rule(Pattern.compile(PRESETS.get(name)), name.equals("credit_card")));
        }
        if (c.pattern() != null) rules.add(new Rule(Pattern.compile(c.pattern()), false));
        return new RedactStage(rules.toArray(Rule[]::new), c.replacement(), c.fields().toArray(String[]::new));
    }

    /** One pattern, its matcher reused (a stage runs on one thread). */
    static final class Rule {
        private final Matcher matcher;
        private final boolean luhn;
        private final int group;

        Rule(Pattern pattern, boolean luhn) {
            this.matcher = pattern.matcher("");
            this.luhn = luhn;
            this.group = pattern.namedGroups().getOrDefault("secret", 0);
        }

        String apply(String s, String replacement) {
            try {
                return replace(s, replacement);
            } catch (StackOverflowError e) {
                return replacement; // fail closed: a value the pattern cannot scan is replaced whole
            } finally {
                matcher.reset("");
            }
        }

        private String replace(String s, String replacement) {
            Matcher m = matcher.reset(s);
            StringBuilder sb = null;
            int last = 0;
            while (m.find()) {
                int start = m.start(group);
                int end = m.end(group);
                if (start < 0 || (luhn && !luhnValid(s, start, end))) continue;
                if (sb == null) sb = new StringBuilder(s.length());
                sb.append(s, last, start).append(replacement);
                last = end;
            }
            if (sb == null) return s;
            return sb.append(s, last, s.length()).toString();
        }
    }

    /** The Luhn check over the digits of {@code s[from, to)}, so random digit runs are not taken for card numbers. */
    static boolean luhnValid(CharSequence s, int from, int to) {
        int sum = 0;
        int digits = 0;
        for (int i = to - 1; i >= from; i--) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') continue;
            int d = c - '0';
            if ((digits & 1) == 1) {
                d *= 2;
                if (d > 9) d -= 9;
            }
            sum += d;
            digits++;
        }
        return digits >= 13 && digits <= 19 && sum % 10 == 0;
    }

    private record RedactStage(Rule[] rules, String replacement, String[] fields) implements Stage {
        @Override public void process(LogRecord record, StageOutput out) {
            String message = record.message();
            for (Rule r : rules) message = r.apply(message, replacement);
            Fields f = record.fields();
            Fields.Builder changed = null;
            for (String name : fields) {
                if (!(f.get(name) instanceof Value.Str(String text))) continue;
                String red = text;
                for (Rule r : rules) red = r.apply(red, replacement);
                if (!red.equals(text)) {
                    if (changed == null) changed = f.toBuilder();
                    changed.put(name, Value.of(red));
                }
            }
            if (message.equals(record.message()) && changed == null) {
                out.accept(record);
                return;
            }
            LogRecord.Builder b = record.toBuilder().message(message);
            if (changed != null) b.fields(changed.build());
            out.accept(b.build());
        }
    }
}
