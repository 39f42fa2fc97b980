package io.outrigger.outputs.kafka;

import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * A topic name with {@code {{field}}} placeholders, e.g. {@code logs-{{app}}}, and an optional literal fallback
 * for records without the field, {@code logs-{{app|unknown}}}. A placeholder is looked up in the record's fields
 * (dotted paths into objects allowed, {@code {{kubernetes.namespace}}}), then in its labels; a missing value with
 * no fallback renders as nothing. A template without placeholders is a constant: no per-record work.
 */
final class TopicTemplate {

    /** Kafka's own limit and character set for topic names. */
    static final int MAX_TOPIC_LENGTH = 249;

    private final String source;
    private final String constant;
    /** Alternating parts: literal text at even indexes, placeholders at odd ones. */
    private final String[] literals;
    private final String[] names;
    private final String[] fallbacks;

    private TopicTemplate(String source, String constant, String[] literals, String[] names, String[] fallbacks) {
        this.source = source;
        this.constant = constant;
        this.literals = literals;
        this.names = names;
        this.fallbacks = fallbacks;
    }

    /** Parses a template; throws {@link IllegalArgumentException} with a message that says what to fix. */
    static TopicTemplate parse(String source) {
        if (source == null || source.isBlank()) throw new IllegalArgumentException("must not be empty");
        List<String> lits = new ArrayList<>();
        List<String> nameList = new ArrayList<>();
        List<String> fallbackList = new ArrayList<>();
        int pos = 0;
        while (true) {
            int open = source.indexOf("{{", pos);
            int strayClose = source.indexOf("}}", pos);
            if (strayClose >= 0 && (open < 0 || strayClose < open)) {
                throw new IllegalArgumentException("\"}}\" without \"{{\" at position " + strayClose + " in \"" + source + "\"");
            }
            if (open < 0) {
                lits.add(source.substring(pos));
                break;
            }
            int close = source.indexOf("}}", open + 2);
            if (close < 0) {
                throw new IllegalArgumentException("unclosed \"{{\" at position " + open + " in \"" + source + "\"");
            }
            String inner = source.substring(open + 2, close);
            if (inner.contains("{{")) {
                throw new IllegalArgumentException("unclosed \"{{\" at position " + open + " in \"" + source + "\"");
            }
            int bar = inner.indexOf('|');
            String name = (bar < 0 ? inner : inner.substring(0, bar)).strip();
            String fallback = bar < 0 ? null : inner.substring(bar + 1).strip();
            if (name.isEmpty()) {
                throw new IllegalArgumentException("empty field name in \"{{" + inner + "}}\" (write {{field}} or {{field|default}})");
            }
            if (fallback != null) checkLiteral(fallback, "default \"" + fallback + "\"");
            lits.add(source.substring(pos, open));
            nameList.add(name);
            fallbackList.add(fallback);
            pos = close + 2;
        }
        for (String lit : lits) checkLiteral(lit, "\"" + source + "\"");
        if (nameList.isEmpty()) {
            if (source.length() > MAX_TOPIC_LENGTH) {
                throw new IllegalArgumentException("\"" + source + "\" is longer than " + MAX_TOPIC_LENGTH + " characters");
            }
            if (source.equals(".") || source.equals("..")) {
                throw new IllegalArgumentException("\"" + source + "\" is not a valid topic name");
            }
            return new TopicTemplate(source, source, null, null, null);
        }
        return new TopicTemplate(source, null, lits.toArray(String[]::new), nameList.toArray(String[]::new),
                fallbackList.toArray(String[]::new));
    }

    private static void checkLiteral(String text, String where) {
        for (int i = 0; i < text.length(); i++) {
            if (!isLegal(text.charAt(i))) {
                throw new IllegalArgumentException("'" + text.charAt(i) + "' is not allowed in a topic name in " + where
                        + " (use letters, digits, '.', '_' and '-')");
            }
        }
    }

    static boolean isLegal(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    }

    /** True when a rendered name is a topic Kafka accepts. */
    static boolean isValidTopic(String topic) {
        int n = topic.length();
        if (n == 0 || n > MAX_TOPIC_LENGTH || topic.equals(".") || topic.equals("..")) return false;
        for (int i = 0; i < n; i++) if (!isLegal(topic.charAt(i))) return false;
        return true;
    }

    boolean isConstant() { return constant != null; }

    /** The topic for one record; may be invalid (check with {@link #isValidTopic}) when a field value is. */
    String render(LogRecord r, StringBuilder scratch) {
        if (constant != null) return constant;
        scratch.setLength(0);
        for (int i = 0; i < names.length; i++) {
            scratch.append(literals[i]);
            String v = lookup(r, names[i]);
            scratch.append(v != null ? v : fallbacks[i] != null ? fallbacks[i] : "");
        }
        scratch.append(literals[names.length]);
        return scratch.toString();
    }

    /** A field (dotted path allowed) or else a label, as text; null when the record has neither. */
    static String lookup(LogRecord r, String name) {
        Value v = r.fields().getPath(name);
        if (v != null && !(v instanceof Value.Null)) return v.asText();
        return r.labels().get(name);
    }

    @Override public String toString() { return source; }
}
