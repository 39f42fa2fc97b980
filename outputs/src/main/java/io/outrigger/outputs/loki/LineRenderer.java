package io.outrigger.outputs.loki;

import io.outrigger.core.event.Fields;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.RecordJson;
import io.outrigger.core.event.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a record into a Loki log line: {@code message} (the record's message), {@code json} (an object with the
 * message and the record's fields) or {@code template}, with the {@code {{name}}} syntax of every other template in
 * Outrigger: {@code {{name}}} is replaced by the field at that (dotted) path, e.g. {@code {{http.status}}},
 * {@code {{message}}} by the message (unless a field has that name), {@code {{timestamp}}} by the RFC 3339 time, a
 * missing field by nothing; spaces inside the braces are ignored, single braces are literal text. Templates are
 * parsed once, at creation.
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
            int i = 0;
            while (true) {
                int open = template.indexOf("{{", i);
                if (open < 0) {
                    out.add(template.substring(i));
                    break;
                }
                int close = template.indexOf("}}", open + 2);
                int nested = template.indexOf("{{", open + 2);
                if (close < 0 || (nested >= 0 && nested < close)) {
                    throw new IllegalArgumentException("unclosed '{{' at position " + open + " (a field is written {{name}})");
                }
                String name = template.substring(open + 2, close).strip();
                if (name.isEmpty()) throw new IllegalArgumentException("empty field name '{{}}' at position " + open);
                out.add(template.substring(i, open));
                out.add(name);
                i = close + 2;
            }
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
