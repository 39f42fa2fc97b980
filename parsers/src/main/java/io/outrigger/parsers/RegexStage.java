package io.outrigger.parsers;

import io.outrigger.core.event.Fields;
import io.outrigger.core.event.Flag;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Value;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageOutput;
import java.util.Comparator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Named groups of a pattern compiled once (the matcher is reused: a stage runs on one thread). The nginx_combined
 * preset first tries {@link NginxCombinedScanner}, which gives the same groups without the regex engine or declines.
 */
final class RegexStage implements Stage {

    private static final int STRING = 0, INT = 1, FLOAT = 2, BOOL = 3;

    private final Matcher matcher;
    private final String[] names;
    private final int[] groups;
    private final int[] types;
    private final int messageGroup;
    private final String source;
    private final String timeKey;
    private final TimeParser time;
    private final ParseErrors errors;
    private final boolean scanNginx;
    /** start/end of each group by group number, from the scanner or copied from the matcher. */
    private final int[] offsets;

    /** {@code scanNginx}: the pattern is the nginx_combined preset, so {@link NginxCombinedScanner} may answer. */
    RegexStage(Pattern pattern, Map<String, String> typeNames, String source, String timeKey, TimeParser time,
               ParseErrors errors, boolean scanNginx) {
        this.matcher = pattern.matcher("");
        this.scanNginx = scanNginx && NginxCombinedScanner.fits(pattern);
        this.offsets = new int[2 * Math.max(matcher.groupCount() + 1, NginxCombinedScanner.GROUPS)];
        var entries = pattern.namedGroups().entrySet().stream().sorted(Map.Entry.comparingByValue(Comparator.naturalOrder()))
                .filter(e -> !e.getKey().equals("message")).toList();
        names = new String[entries.size()];
        groups = new int[entries.size()];
        types = new int[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            names[i] = entries.get(i).getKey();
            groups[i] = entries.get(i).getValue();
            types[i] = switch (typeNames.getOrDefault(names[i], "string")) {
                case "int" -> INT;
                case "float" -> FLOAT;
                case "bool" -> BOOL;
                default -> STRING;
            };
        }
        this.messageGroup = pattern.namedGroups().getOrDefault("message", -1);
        this.source = source;
        this.timeKey = timeKey;
        this.time = time;
        this.errors = errors;
    }

    @Override public void process(LogRecord record, StageOutput out) {
        String s = ParseErrors.sourceText(record, source);
        if (s == null) {
            out.accept(errors.fail(record, "source field \"" + source + "\" missing"));
            return;
        }
        int[] off = offsets;
        if (!scanNginx || !NginxCombinedScanner.scan(s, off)) {
            Matcher m = matcher.reset(s);
            boolean found;
            try {
                found = m.find();
            } catch (StackOverflowError e) {
                matcher.reset("");
                out.accept(errors.fail(record, "line too complex for the pattern"));
                return;
            }
            if (!found) {
                matcher.reset("");
                out.accept(errors.fail(record, "no match"));
                return;
            }
            for (int g : groups) {
                off[2 * g] = m.start(g);
                off[2 * g + 1] = m.end(g);
            }
            if (messageGroup >= 0) {
                off[2 * messageGroup] = m.start(messageGroup);
                off[2 * messageGroup + 1] = m.end(messageGroup);
            }
            matcher.reset("");
        }
        Fields.Builder fields = record.fields().toBuilder();
        LogRecord.Builder b = record.toBuilder();
        for (int i = 0; i < names.length; i++) {
            int start = off[2 * groups[i]];
            if (start < 0) continue;
            String v = s.substring(start, off[2 * groups[i] + 1]);
            Value value = convert(v, types[i]);
            if (value != null) fields.put(names[i], value);
        }
        if (messageGroup >= 0 && off[2 * messageGroup] >= 0) {
            b.message(s.substring(off[2 * messageGroup], off[2 * messageGroup + 1]));
        }
        if (time != null) {
            Value t = fields.get(timeKey);
            long nanos = t == null ? TimeParser.FAILED : time.parse(t);
            if (nanos != TimeParser.FAILED) b.timeNanos(nanos);
            else {
                b.flag(Flag.TIMESTAMP_UNPARSED);
            }
        }
        out.accept(b.fields(fields.build()).build());
    }

    private static Value convert(String v, int type) {
        if (type == STRING) return new Value.Str(v);
        if (v.isEmpty() || v.equals("-")) return null;
        try {
            return switch (type) {
                case INT -> new Value.Int(Long.parseLong(v));
                case FLOAT -> new Value.Float(Double.parseDouble(v));
                default -> switch (v.toLowerCase(java.util.Locale.ROOT)) {
                    case "true", "yes", "on", "1" -> Value.TRUE;
                    case "false", "no", "off", "0" -> Value.FALSE;
                    default -> new Value.Str(v);
                };
            };
        } catch (NumberFormatException e) {
            return new Value.Str(v);
        }
    }
}
