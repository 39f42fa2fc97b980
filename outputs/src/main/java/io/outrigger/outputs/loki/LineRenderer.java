package io.outrigger.outputs.loki;

import io.outrigger.core.event.Fields;
import io.outrigger.core.event.JsonBuffer;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.RecordJson;
import io.outrigger.core.event.Value;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a record into a Loki log line: {@code message} (the record's message), {@code json} (an object with the
 * message and the record's fields) or {@code template}, with the {@code {{name}}} syntax of every other template in
 * Outrigger: {@code {{name}}} is replaced by the field at that (dotted) path, e.g. {@code {{http.status}}},
 * {@code {{message}}} by the message (unless a field has that name), {@code {{timestamp}}} by the RFC 3339 time, a
 * missing field by nothing; spaces inside the braces are ignored, single braces are literal text. Templates are
 * parsed once, at creation. Lines are written as UTF-8 straight into a byte buffer (no String per line).
 */
abstract sealed class LineRenderer {

    /** Appends the record's line, UTF-8, to {@code out}. */
    abstract void render(LogRecord r, JsonBuffer out);

    /** The record's line as a String (tests and diagnostics; the push path uses {@link #render(LogRecord, JsonBuffer)}). */
    final String render(LogRecord r) {
        JsonBuffer b = new JsonBuffer(256);
        render(r, b);
        return new String(b.array(), 0, b.length(), StandardCharsets.UTF_8);
    }

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
        @Override void render(LogRecord r, JsonBuffer out) {
            byte[] utf8 = r.utf8Message();
            if (utf8 != null) out.append(utf8, 0, utf8.length);
            else out.appendUtf8(r.message());
        }
    }

    static final class Json extends LineRenderer {
        private static final byte[] MESSAGE_KEY = "{\"message\":".getBytes(StandardCharsets.US_ASCII);

        @Override void render(LogRecord r, JsonBuffer out) {
            out.append(MESSAGE_KEY, 0, MESSAGE_KEY.length);
            byte[] utf8 = r.utf8Message();
            if (utf8 != null) out.appendUtf8String(utf8);
            else out.appendString(r.message());
            Fields f = r.fields();
            for (int i = 0; i < f.size(); i++) {
                if (f.name(i).equals("message")) continue;
                out.append(',').appendString(f.name(i)).append(':');
                RecordJson.appendValue(out, f.value(i));
            }
            out.append('}');
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

        private final RecordJson timestamps = new RecordJson(); // caches the formatted second; one send at a time renders

        @Override void render(LogRecord r, JsonBuffer out) {
            for (int i = 0; i < parts.length; i++) {
                if (i % 2 == 0) {
                    out.appendUtf8(parts[i]);
                    continue;
                }
                String name = parts[i];
                Value v = r.fields().getPath(name);
                if (v != null) out.appendUtf8(v.asText());
                else if (name.equals("message")) out.appendUtf8(r.message());
                else if (name.equals("timestamp")) {
                    synchronized (timestamps) { timestamps.appendTimestamp(out, r.timeNanos()); }
                }
            }
        }
    }
}
