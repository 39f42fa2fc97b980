package io.outrigger.outputs.elasticsearch;

import io.outrigger.core.event.Fields;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Value;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An index (or data stream) name template: literal text, {@code %{+yyyy.MM.dd}} (the record's time in UTC, any
 * {@link DateTimeFormatter} pattern) and {@code %{[field]}} / {@code %{[a][b]}} (a field's value; for a single
 * name, a label's when no field has it). Parsed once at startup; rendering uses a {@link Renderer} per thread.
 */
final class IndexTemplate {

    /** Characters Elasticsearch forbids in index names (besides upper case). */
    private static final String FORBIDDEN = "\\/*?\"<>| ,#:";

    private sealed interface Part permits Literal, DatePart, FieldPart {}

    private record Literal(String text) implements Part {}

    private record DatePart(String pattern, DateTimeFormatter formatter) implements Part {}

    private record FieldPart(String ref, String[] path) implements Part {}

    private final String source;
    private final List<Part> parts;
    private final String constant;

    private IndexTemplate(String source, List<Part> parts) {
        this.source = source;
        this.parts = List.copyOf(parts);
        this.constant = parts.stream().allMatch(p -> p instanceof Literal)
                ? parts.stream().map(p -> ((Literal) p).text()).reduce("", String::concat)
                : null;
    }

    /**
     * Parses a template.
     *
     * @throws IllegalArgumentException with a message saying what to fix
     */
    static IndexTemplate parse(String text, boolean allowDates) {
        List<Part> parts = new ArrayList<>();
        int i = 0;
        StringBuilder literal = new StringBuilder();
        while (i < text.length()) {
            int start = text.indexOf("%{", i);
            if (start < 0) {
                literal.append(text, i, text.length());
                break;
            }
            literal.append(text, i, start);
            int end = text.indexOf('}', start + 2);
            if (end < 0) throw new IllegalArgumentException("unclosed \"%{\" at position " + start + " in \"" + text + "\"");
            // a field reference ends with "]}"
            if (start + 2 < text.length() && text.charAt(start + 2) == '[') {
                end = text.indexOf("]}", start + 2);
                if (end < 0) throw new IllegalArgumentException("unclosed \"%{[\" at position " + start + " in \"" + text + "\"");
                end++;
            }
            String ref = text.substring(start + 2, end);
            if (!literal.isEmpty()) {
                checkLiteral(literal.toString(), text);
                parts.add(new Literal(literal.toString()));
                literal.setLength(0);
            }
            parts.add(reference(ref, allowDates));
            i = end + 1;
        }
        if (!literal.isEmpty()) {
            checkLiteral(literal.toString(), text);
            parts.add(new Literal(literal.toString()));
        }
        if (parts.isEmpty()) throw new IllegalArgumentException("must not be empty");
        if (parts.getFirst() instanceof Literal(String first) && (first.startsWith("-") || first.startsWith("_") || first.startsWith("+"))) {
            throw new IllegalArgumentException("\"" + text + "\" must not start with '-', '_' or '+'");
        }
        return new IndexTemplate(text, parts);
    }

    private static Part reference(String ref, boolean allowDates) {
        if (ref.startsWith("+")) {
            if (!allowDates) {
                throw new IllegalArgumentException("date math %{" + ref + "} is not allowed here (a data stream rolls over by itself)");
            }
            String pattern = ref.substring(1);
            if (pattern.isEmpty()) throw new IllegalArgumentException("empty date pattern in %{+}");
            DateTimeFormatter f;
            try {
                f = DateTimeFormatter.ofPattern(pattern, Locale.ROOT).withZone(ZoneOffset.UTC);
                f.format(Instant.EPOCH);
            } catch (IllegalArgumentException | DateTimeException e) {
                throw new IllegalArgumentException("invalid date pattern \"" + pattern + "\" in %{" + ref + "}: " + e.getMessage());
            }
            return new DatePart(pattern, f);
        }
        if (ref.startsWith("[") && ref.endsWith("]") && ref.length() > 2) {
            String inner = ref.substring(1, ref.length() - 1);
            String[] path = inner.split("]\\[", -1);
            for (String p : path) {
                if (p.isEmpty() || p.indexOf('[') >= 0 || p.indexOf(']') >= 0) {
                    throw new IllegalArgumentException("invalid field reference %{" + ref + "} (expected %{[name]} or %{[a][b]})");
                }
            }
            return new FieldPart(ref, path);
        }
        throw new IllegalArgumentException("unknown reference %{" + ref + "} (expected %{[field]} or %{+yyyy.MM.dd})");
    }

    private static void checkLiteral(String literal, String text) {
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (Character.isUpperCase(c)) {
                throw new IllegalArgumentException("\"" + text + "\" must be lowercase (Elasticsearch index names are)");
            }
            if (FORBIDDEN.indexOf(c) >= 0) {
                throw new IllegalArgumentException("\"" + text + "\" contains '" + c + "', which index names cannot hold");
            }
        }
    }

    String source() { return source; }

    /** The name when the template has no references, else null. */
    String constant() { return constant; }

    boolean hasDates() { return parts.stream().anyMatch(p -> p instanceof DatePart); }

    Renderer renderer() { return new Renderer(); }

    /** Renders the template; caches the last second's date text. Not thread-safe: one per encoder. */
    final class Renderer {
        private final long[] cachedSecond = new long[parts.size()];
        private final String[] cachedText = new String[parts.size()];
        private final StringBuilder sb = new StringBuilder(64);
        private String missing;

        private Renderer() {
            java.util.Arrays.fill(cachedSecond, Long.MIN_VALUE);
        }

        /** The rendered name, or null when a referenced field is missing (see {@link #missing()}). */
        String render(LogRecord r) {
            if (constant != null) return constant;
            sb.setLength(0);
            for (int i = 0; i < parts.size(); i++) {
                switch (parts.get(i)) {
                    case Literal(String text) -> sb.append(text);
                    case DatePart d -> {
                        long second = Math.floorDiv(r.timeNanos(), 1_000_000_000L);
                        if (cachedSecond[i] != second) {
                            cachedText[i] = d.formatter().format(Instant.ofEpochSecond(second));
                            cachedSecond[i] = second;
                        }
                        sb.append(cachedText[i]);
                    }
                    case FieldPart f -> {
                        String v = lookup(r, f.path());
                        if (v == null) {
                            missing = f.ref();
                            return null;
                        }
                        appendSanitized(sb, v);
                    }
                }
            }
            return sb.toString();
        }

        /** The reference that was missing in the last failed {@link #render}, e.g. {@code [app]}. */
        String missing() { return missing; }
    }

    private static String lookup(LogRecord r, String[] path) {
        Fields fields = r.fields();
        Value v;
        if (path.length == 1) {
            v = fields.get(path[0]);
            if (v == null) return r.labels().get(path[0]);
        } else {
            v = fields.get(String.join(".", path));
            if (v == null) {
                Fields current = fields;
                for (int i = 0; i < path.length && current != null; i++) {
                    v = current.get(path[i]);
                    current = i < path.length - 1 && v instanceof Value.Obj(Fields nested) ? nested : null;
                    if (i < path.length - 1 && current == null) v = null;
                }
            }
        }
        if (v == null || v instanceof Value.Null || v instanceof Value.Obj || v instanceof Value.Arr) return null;
        return v.asText();
    }

    private static void appendSanitized(StringBuilder sb, String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (FORBIDDEN.indexOf(c) >= 0 || c < 0x20) sb.append('_');
            else sb.append(Character.toLowerCase(c));
        }
    }

    @Override public String toString() { return source; }
}
