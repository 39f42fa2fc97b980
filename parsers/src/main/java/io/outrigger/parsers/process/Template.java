package io.outrigger.parsers.process;

import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * A text with {@code {{name}}} references, compiled once into literal and reference parts. {@code {{message}}} is
 * the message; other names are fields, dotted names reaching into nested objects ({@code {{http.status}}});
 * {@code {{log.file.path}}} is the file the record was read from (Promtail's {@code filename} label).
 * Used by the {@code labels}, {@code template} and {@code fields} stages.
 */
final class Template {

    private final String text;
    private final String[] literals;
    private final String[] refs;

    private Template(String text, String[] literals, String[] refs) {
        this.text = text;
        this.literals = literals;
        this.refs = refs;
    }

    /** A problem with the template text, or null. */
    static String problem(String text) {
        try {
            compile(text);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** @throws IllegalArgumentException for an unclosed or empty reference (the message says where) */
    static Template compile(String text) {
        List<String> literals = new ArrayList<>();
        List<String> refs = new ArrayList<>();
        int i = 0;
        StringBuilder literal = new StringBuilder();
        while (i < text.length()) {
            int open = text.indexOf("{{", i);
            if (open < 0) {
                literal.append(text, i, text.length());
                break;
            }
            int close = text.indexOf("}}", open + 2);
            if (close < 0) throw new IllegalArgumentException("unclosed {{ at index " + open + " in \"" + text + "\"");
            String ref = text.substring(open + 2, close).strip();
            if (ref.isEmpty()) throw new IllegalArgumentException("empty {{}} at index " + open + " in \"" + text + "\"");
            literal.append(text, i, open);
            literals.add(literal.toString());
            literal.setLength(0);
            refs.add(ref);
            i = close + 2;
        }
        literals.add(literal.toString());
        return new Template(text, literals.toArray(String[]::new), refs.toArray(String[]::new));
    }

    boolean isConstant() { return refs.length == 0; }

    String text() { return text; }

    /** The rendered text, or null if a referenced field is missing (or null). */
    String render(LogRecord r) {
        if (refs.length == 0) return literals[0];
        if (refs.length == 1 && literals[0].isEmpty() && literals[1].isEmpty()) {
            Value v = lookup(r, refs[0]);
            return v == null ? null : v.asText();
        }
        StringBuilder sb = new StringBuilder(64);
        for (int i = 0; i < refs.length; i++) {
            sb.append(literals[i]);
            Value v = lookup(r, refs[i]);
            if (v == null) return null;
            sb.append(v.asText());
        }
        return sb.append(literals[refs.length]).toString();
    }

    /** The rendered text, missing references as empty text. */
    String renderOrEmpty(LogRecord r) {
        if (refs.length == 0) return literals[0];
        StringBuilder sb = new StringBuilder(64);
        for (int i = 0; i < refs.length; i++) {
            sb.append(literals[i]);
            Value v = lookup(r, refs[i]);
            if (v != null) sb.append(v.asText());
        }
        return sb.append(literals[refs.length]).toString();
    }

    /** The value a name refers to: {@code message} or a (dotted) field; null if missing or JSON null. */
    /** The file a record was read from, as records leave for outputs ({@code log.file.path}); a field of that name wins. */
    static final String FILE_PATH = "log.file.path";

    static Value lookup(LogRecord r, String name) {
        if (name.equals("message")) return new Value.Str(r.message());
        Value v = r.fields().getPath(name);
        if (v == null && name.equals(FILE_PATH) && !r.origin().path().isEmpty()) return new Value.Str(r.origin().path());
        return v instanceof Value.Null ? null : v;
    }

    @Override public String toString() { return text; }
}
