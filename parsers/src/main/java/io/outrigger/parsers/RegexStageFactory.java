package io.outrigger.parsers;

import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageFactory;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Named regex groups to fields; built-in presets for common access and syslog formats. */
public final class RegexStageFactory implements StageFactory<RegexConfig> {

    static final Set<String> TYPES = Set.of("int", "float", "bool", "string");

    @Override public String type() { return "regex"; }
    @Override public Class<RegexConfig> configType() { return RegexConfig.class; }

    @Override public List<ConfigProblem> validate(RegexConfig c) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (c.pattern() == null && c.preset() == null) {
            problems.add(new ConfigProblem("", "set either pattern or preset (" + RegexPresets.known() + ")"));
        } else if (c.pattern() != null && c.preset() != null) {
            problems.add(new ConfigProblem("preset", "set either pattern or preset, not both"));
        }
        if (c.preset() != null && !RegexPresets.ALL.containsKey(c.preset())) {
            problems.add(new ConfigProblem("preset", "unknown preset \"" + c.preset() + "\" (known: "
                    + RegexPresets.known() + ")"));
        }
        if (c.pattern() != null) {
            ConfigProblem p = patternProblem("pattern", c.pattern());
            if (p != null) problems.add(p);
            else if (Pattern.compile(c.pattern()).namedGroups().isEmpty()) {
                problems.add(new ConfigProblem("pattern", "has no named groups, e.g. (?<level>\\w+)"));
            }
        }
        c.types().forEach((field, t) -> {
            if (!TYPES.contains(t)) {
                problems.add(new ConfigProblem("types." + field, "unknown type \"" + t + "\" (expected int, float, bool or string)"));
            }
        });
        problems.addAll(timeProblems(c.timeFormat(), c.timezone(), "time_format"));
        return problems;
    }

    /** A problem for a pattern that does not compile: {@code unclosed group near index 14}. */
    public static ConfigProblem patternProblem(String path, String pattern) {
        try {
            Pattern.compile(pattern);
            return null;
        } catch (PatternSyntaxException e) {
            String d = e.getDescription();
            d = d.isEmpty() ? d : d.substring(0, 1).toLowerCase(Locale.ROOT) + d.substring(1);
            return new ConfigProblem(path, d + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
        }
    }

    static List<ConfigProblem> timeProblems(String format, String timezone, String formatPath) {
        List<ConfigProblem> problems = new ArrayList<>();
        ZoneId zone = ZoneId.of("UTC");
        try {
            zone = ZoneId.of(timezone);
        } catch (DateTimeException e) {
            problems.add(new ConfigProblem("timezone", "unknown time zone \"" + timezone + "\" (e.g. UTC, Europe/Berlin, +02:00)"));
        }
        if (format != null && !format.equals("none")) {
            try {
                TimeParser.of(format, zone, java.time.InstantSource.system());
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigProblem(formatPath, "invalid time format \"" + format + "\": " + e.getMessage()
                        + " (use one of " + String.join(", ", TimeParser.NAMED) + " or a pattern such as yyyy-MM-dd HH:mm:ss)"));
            }
        }
        return problems;
    }

    @Override public Stage create(RegexConfig c, ComponentContext context) {
        RegexPresets.Preset preset = c.preset() == null ? null : RegexPresets.ALL.get(c.preset());
        String pattern = preset != null ? preset.pattern() : c.pattern();
        Map<String, String> types = new java.util.HashMap<>(preset != null ? preset.types() : Map.of());
        types.putAll(c.types());
        String timeFormat = c.timeFormat() != null ? c.timeFormat() : preset != null ? preset.timeFormat() : null;
        TimeParser time = timeFormat == null || timeFormat.equals("none") ? null
                : TimeParser.of(timeFormat, ZoneId.of(c.timezone()), context.clock());
        return new RegexStage(Pattern.compile(pattern), types, c.source(), c.timeKey(), time,
                new ParseErrors(context, type()), "nginx_combined".equals(c.preset()));
    }
}
