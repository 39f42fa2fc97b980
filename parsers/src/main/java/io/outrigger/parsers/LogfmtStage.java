package io.outrigger.parsers;

import io.outrigger.core.event.Fields;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Value;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageOutput;

/**
 * logfmt: space-separated {@code key=value} pairs; values may be double-quoted with backslash escapes
 * (\", \\, \n, \t, \r and \\u followed by four hex digits); a key without {@code =} is {@code true}; {@code key=} is the empty string.
 * Values stay strings (logfmt has no types). A line with no {@code key=value} pair at all, or an unterminated
 * quote, is a parse error.
 */
final class LogfmtStage implements Stage {

    private final String source;
    private final String messageField;
    private final ParseErrors errors;
    private final StringBuilder scratch = new StringBuilder();

    LogfmtStage(LogfmtConfig config, ParseErrors errors) {
        this.source = config.source();
        this.messageField = config.messageField();
        this.errors = errors;
    }

    @Override public void process(LogRecord record, StageOutput out) {
        String s = ParseErrors.sourceText(record, source);
        if (s == null) {
            out.accept(errors.fail(record, "source field \"" + source + "\" missing"));
            return;
        }
        Fields.Builder fields = record.fields().toBuilder();
        String problem = parse(s, fields);
        if (problem != null) {
            out.accept(errors.fail(record, problem));
            return;
        }
        out.accept(JsonStage.withFields(record, fields, messageField));
    }

    /** Parses into {@code fields}; returns null or a short reason. */
    String parse(String s, Fields.Builder fields) {
        int n = s.length();
        int i = 0;
        int pairs = 0;
        while (true) {
            while (i < n && s.charAt(i) <= ' ') i++;
            if (i >= n) break;
            int keyStart = i;
            while (i < n) {
                char c = s.charAt(i);
                if (c <= ' ' || c == '=') break;
                if (c == '"') return "unexpected quote at column " + (i + 1);
                i++;
            }
            if (i == keyStart) return "missing key at column " + (i + 1);
            String key = s.substring(keyStart, i);
            if (i >= n || s.charAt(i) != '=') {
                fields.put(key, Value.TRUE);
                continue;
            }
            i++; // '='
            pairs++;
            if (i < n && s.charAt(i) == '"') {
                i++;
                int start = i;
                boolean escaped = false;
                while (i < n) {
                    char c = s.charAt(i);
                    if (c == '"') break;
                    if (c == '\\') {
                        escaped = true;
                        i++;
                    }
                    i++;
                }
                if (i >= n) return "unterminated quote for key \"" + ParseErrors.clip(key, 40) + "\"";
                String value = escaped ? unescape(s, start, i) : s.substring(start, i);
                fields.put(key, new Value.Str(value));
                i++; // closing quote
            } else {
                int start = i;
                while (i < n && s.charAt(i) > ' ') i++;
                fields.put(key, new Value.Str(s.substring(start, i)));
            }
        }
        if (pairs == 0) return n == 0 || s.isBlank() ? "empty line" : "no key=value pairs";
        return null;
    }

    private String unescape(String s, int from, int to) {
        StringBuilder sb = scratch;
        sb.setLength(0);
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= to) {
                sb.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'u' -> {
                    if (i + 4 < to) {
                        try {
                            sb.append((char) Integer.parseInt(s, i + 1, i + 5, 16));
                            i += 4;
                        } catch (NumberFormatException ex) {
                            sb.append("\\u");
                        }
                    } else {
                        sb.append("\\u");
                    }
                }
                default -> sb.append(e);
            }
        }
        return sb.toString();
    }
}
