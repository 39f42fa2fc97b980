package io.outrigger.outputs.loki;

import io.outrigger.core.event.Fields;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.RecordJson;
import io.outrigger.core.event.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a record into a Loki log line: {@code message} (the record's message), {@code json} (an object with the
 * message and the record's fields) or {@code template}, where {@code {name}} is replaced by the field at that
 * (dotted) path, {@code {message}} by the message, {@code {timestamp}} by the RFC 3339 time, a missing field by
 * nothing; {@code {{} and {@code }}} write literal braces. Templates are parsed once, at creation.
 */
abstract sealed class LineRenderer {

    abstract String render(LogRecord r);

    static LineRenderer of(String lineFormat, String template) {
        return switch (lineFormat) {
            case "json" -> new Json();
            case "template" -> new Template(template);
            default -> new Message();
        };
    }

    /** Problems with a template, empty when it parses. */
    static List<String> checkTemplate(String template) {
        try {
            new Template(template);
            return List.of();
        } catch (IllegalArgumentException e) {
            return List.of(e.getMessage());
        }
    }

    static final class Message extends LineRenderer {
        @Override String render(LogRecord r) { return r.message(); }
    }

    static final class Json extends LineRenderer {
        @Override String render(LogRecord r) {
            StringBuilder sb = new StringBuilder(r.message().length() + 64);
            sb.append("{\"message\":");
            RecordJson.appendString(sb, r.message());
            Fields f = r.fields();
            for (int i = 0; i < f.size(); i++) {
                if (f.name(i).equals("message")) continue;
                sb.append(',');
                RecordJson.appendString(sb, f.name(i));
                sb.append(':');
                RecordJson.appendValue(sb, f.value(i));
            }
            return sb.append('}').toString();
        }
    }

    static final class Template extends LineRenderer {
        /** Literal text and field paths alternate: even indexes are literals, odd ones are paths. */
        private final String[] parts;

        Template(String template) {
            if (template == null || template.isEmpty()) throw new IllegalArgumentException("template is empty");
            List<String> out = new ArrayList<>();
            StringBuilder lit = new StringBuilder();
            int i = 0;
            while (i < template.length()) {
                char c = template.charAt(i);
                if (c == '{' && i + 1 < template.length() && template.charAt(i + 1) == '{') {
                    lit.append('{');
                    i += 2;
                } else if (c == '}' && i + 1 < template.length() && template.charAt(i + 1) == '}') {
                    lit.append('}');
                    i += 2;
                } else if (c == '{') {
                    int end = template.indexOf('}', i);
                    if (end < 0) throw new IllegalArgumentException("unclosed '{' at position " + i + " (write {{ for a literal brace)");
                    String name = template.substring(i + 1, end).trim();
                    if (name.isEmpty()) throw new IllegalArgumentException("empty field name '{}' at position " + i);
                    out.add(lit.toString());
                    lit.setLength(0);
                    out.add(name);
                    i = end + 1;
                } else if (c == '}') {
                    throw new IllegalArgumentException("unmatched '}' at position " + i + " (write }} for a literal brace)");
                } else {
                    lit.append(c);
                    i++;
                }
            }
            out.add(lit.toString());
            parts = out.toArray(String[]::new);
        }

        @Override String render(LogRecord r) {
            StringBuilder sb = new StringBuilder(r.message().length() + 64);
            for (int i = 0; i < parts.length; i++) {
                if (i % 2 == 0) {
                    sb.append(parts[i]);
                    continue;
                }
                String name = parts[i];
                Value v = r.fields().getPath(name);
                if (v != null) sb.append(v.asText());
                else if (name.equals("message")) sb.append(r.message());
                else if (name.equals("timestamp")) new RecordJson().appendTimestamp(sb, r.timeNanos());
            }
            return sb.toString();
        }
    }
}
