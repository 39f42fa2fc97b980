package io.outrigger.inputs.prometheus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A hand-written parser for the Prometheus text exposition format 0.0.4 (and the parts of OpenMetrics text that
 * look the same). One pass over the body, no regex. A malformed line is reported to the sink with a reason from a
 * fixed set and skipped; the rest of the body is still parsed.
 *
 * <pre>
 * # HELP http_requests_total The total number of HTTP requests.
 * # TYPE http_requests_total counter
 * http_requests_total{method="post",code="200"} 1027 1395066363000
 * </pre>
 */
final class TextFormatParser {

    /** Reasons a line is skipped: fixed label values of the scrape error counter. */
    static final String BAD_NAME = "bad_name";
    static final String BAD_LABELS = "bad_labels";
    static final String BAD_VALUE = "bad_value";
    static final String BAD_TIMESTAMP = "bad_timestamp";
    static final String BAD_TYPE = "bad_type";

    /** Receives what the parser finds. */
    interface Sink {
        /**
         * One sample.
         *
         * @param labels      label names and values, alternating, in the order written
         * @param timestampMs the sample's own timestamp in ms, or {@link #NO_TIMESTAMP}
         * @param type        counter, gauge, histogram, summary or untyped, from the {@code # TYPE} line of its family
         */
        void sample(String name, List<String> labels, double value, long timestampMs, String type);

        /** A skipped line ({@code lineNumber} from 1) and why. */
        void error(int lineNumber, String reason, String line);
    }

    static final long NO_TIMESTAMP = Long.MIN_VALUE;

    private final Map<String, String> types = new HashMap<>();
    private final List<String> labels = new ArrayList<>();
    private String text;
    private int pos;
    private int end;

    /** Parses a whole exposition body. A parser instance is not thread-safe; reuse it within one thread. */
    void parse(String body, Sink sink) {
        types.clear();
        text = body;
        int lineStart = 0;
        int lineNumber = 0;
        int n = body.length();
        while (lineStart < n) {
            int nl = body.indexOf('\n', lineStart);
            int lineEnd = nl < 0 ? n : nl;
            lineNumber++;
            int e = lineEnd;
            if (e > lineStart && body.charAt(e - 1) == '\r') e--;
            parseLine(lineStart, e, lineNumber, sink);
            lineStart = lineEnd + 1;
        }
        text = null;
    }

    private void parseLine(int start, int lineEnd, int lineNumber, Sink sink) {
        pos = start;
        end = lineEnd;
        skipBlanks();
        if (pos == end) return;
        if (text.charAt(pos) == '#') {
            String reason = parseComment();
            if (reason != null) sink.error(lineNumber, reason, text.substring(start, lineEnd));
            return;
        }
        String reason = parseSample(sink);
        if (reason != null) sink.error(lineNumber, reason, text.substring(start, lineEnd));
    }

    /** Handles {@code # TYPE name type}; {@code # HELP}, {@code # EOF} and other comments are ignored. */
    private String parseComment() {
        pos++;
        skipBlanks();
        int kw = pos;
        while (pos < end && !isBlank(text.charAt(pos))) pos++;
        if (!text.regionMatches(kw, "TYPE", 0, 4) || pos - kw != 4) return null;
        skipBlanks();
        String name = readMetricName();
        if (name == null) return BAD_TYPE;
        skipBlanks();
        int t = pos;
        while (pos < end && !isBlank(text.charAt(pos))) pos++;
        String type = switch (text.substring(t, pos)) {
            case "counter" -> "counter";
            case "gauge" -> "gauge";
            case "histogram", "gaugehistogram" -> "histogram";
            case "summary" -> "summary";
            case "untyped", "unknown" -> "untyped";
            default -> null;
        };
        skipBlanks();
        if (type == null || pos != end) return BAD_TYPE;
        types.put(name, type);
        return null;
    }

    private String parseSample(Sink sink) {
        String name = readMetricName();
        if (name == null) return BAD_NAME;
        labels.clear();
        if (pos < end && text.charAt(pos) == '{') {
            pos++;
            String reason = readLabels();
            if (reason != null) return reason;
        }
        if (pos == end || !isBlank(text.charAt(pos))) return pos == end ? BAD_VALUE : BAD_NAME;
        skipBlanks();
        int v = pos;
        while (pos < end && !isBlank(text.charAt(pos))) pos++;
        double value;
        try {
            value = parseFloat(text, v, pos);
        } catch (NumberFormatException e) {
            return BAD_VALUE;
        }
        skipBlanks();
        long ts = NO_TIMESTAMP;
        if (pos < end) {
            int t = pos;
            while (pos < end && !isBlank(text.charAt(pos))) pos++;
            ts = parseTimestamp(t, pos);
            if (ts == NO_TIMESTAMP) return BAD_TIMESTAMP;
            skipBlanks();
            if (pos != end) return BAD_TIMESTAMP;
        }
        sink.sample(name, List.copyOf(labels), value, ts, typeOf(name));
        return null;
    }

    private String typeOf(String name) {
        if (types.isEmpty()) return "untyped";
        String t = types.get(name);
        if (t != null) return t;
        String base = stripSuffix(name, "_bucket");
        if (base != null && "histogram".equals(types.get(base))) return "histogram";
        for (String suffix : new String[] {"_sum", "_count"}) {
            base = stripSuffix(name, suffix);
            if (base != null) {
                String bt = types.get(base);
                if ("histogram".equals(bt) || "summary".equals(bt)) return bt;
            }
        }
        base = stripSuffix(name, "_total");
        if (base != null && "counter".equals(types.get(base))) return "counter"; // OpenMetrics family names
        return "untyped";
    }

    private static String stripSuffix(String name, String suffix) {
        return name.endsWith(suffix) && name.length() > suffix.length() ? name.substring(0, name.length() - suffix.length()) : null;
    }

    /** Reads {@code name="value",...}} after the opening brace; a trailing comma is allowed. */
    private String readLabels() {
        while (true) {
            skipBlanks();
            if (pos == end) return BAD_LABELS;
            if (text.charAt(pos) == '}') {
                pos++;
                return null;
            }
            int s = pos;
            if (!isNameStart(text.charAt(pos), false)) return BAD_LABELS;
            pos++;
            while (pos < end && isNameChar(text.charAt(pos), false)) pos++;
            String labelName = text.substring(s, pos);
            skipBlanks();
            if (pos == end || text.charAt(pos) != '=') return BAD_LABELS;
            pos++;
            skipBlanks();
            if (pos == end || text.charAt(pos) != '"') return BAD_LABELS;
            pos++;
            String value = readQuoted();
            if (value == null) return BAD_LABELS;
            for (int i = 0; i < labels.size(); i += 2) {
                if (labels.get(i).equals(labelName)) return BAD_LABELS; // duplicate label name
            }
            labels.add(labelName);
            labels.add(value);
            skipBlanks();
            if (pos == end) return BAD_LABELS;
            char c = text.charAt(pos);
            if (c == ',') pos++;
            else if (c != '}') return BAD_LABELS;
        }
    }

    /** Reads up to the closing quote, unescaping {@code \\ \" \n}; null when the quote is missing. */
    private String readQuoted() {
        int s = pos;
        while (pos < end) {
            char c = text.charAt(pos);
            if (c == '"') {
                String plain = text.substring(s, pos++);
                return plain;
            }
            if (c == '\\') break;
            pos++;
        }
        StringBuilder sb = new StringBuilder(pos - s + 16).append(text, s, pos);
        while (pos < end) {
            char c = text.charAt(pos++);
            if (c == '"') return sb.toString();
            if (c == '\\') {
                if (pos == end) return null;
                char e = text.charAt(pos++);
                switch (e) {
                    case '\\' -> sb.append('\\');
                    case '"' -> sb.append('"');
                    case 'n' -> sb.append('\n');
                    default -> sb.append('\\').append(e); // unknown escapes are kept as written, as Prometheus does
                }
            } else {
                sb.append(c);
            }
        }
        return null;
    }

    private String readMetricName() {
        if (pos == end || !isNameStart(text.charAt(pos), true)) return null;
        int s = pos++;
        while (pos < end && isNameChar(text.charAt(pos), true)) pos++;
        return text.substring(s, pos);
    }

    private long parseTimestamp(int s, int e) {
        int i = s;
        if (i < e && (text.charAt(i) == '-' || text.charAt(i) == '+')) i++;
        if (i == e || e - i > 18) return NO_TIMESTAMP;
        for (int j = i; j < e; j++) {
            char c = text.charAt(j);
            if (c < '0' || c > '9') return NO_TIMESTAMP;
        }
        return Long.parseLong(text, s, e, 10);
    }

    /** Go's ParseFloat as the format uses it: decimals, exponents, {@code +Inf -Inf Inf NaN} (any case). */
    static double parseFloat(String s, int from, int to) {
        if (from == to) throw new NumberFormatException("empty value");
        int i = from;
        boolean negative = false;
        char first = s.charAt(i);
        if (first == '+' || first == '-') {
            negative = first == '-';
            i++;
        }
        int len = to - i;
        if ((len == 3 && s.regionMatches(true, i, "inf", 0, 3)) || (len == 8 && s.regionMatches(true, i, "infinity", 0, 8))) {
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (len == 3 && s.regionMatches(true, i, "nan", 0, 3) && i == from) return Double.NaN;
        boolean digit = false;
        for (int j = i; j < to; j++) {
            char c = s.charAt(j);
            if (c >= '0' && c <= '9') digit = true;
            else if (c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-') throw new NumberFormatException("not a number");
        }
        if (!digit) throw new NumberFormatException("not a number");
        return Double.parseDouble(s.substring(from, to));
    }

    private void skipBlanks() {
        while (pos < end && isBlank(text.charAt(pos))) pos++;
    }

    private static boolean isBlank(char c) { return c == ' ' || c == '\t'; }

    static boolean isNameStart(char c, boolean colonAllowed) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colonAllowed && c == ':');
    }

    static boolean isNameChar(char c, boolean colonAllowed) {
        return isNameStart(c, colonAllowed) || (c >= '0' && c <= '9');
    }

    /** True for a valid label name ({@code [a-zA-Z_][a-zA-Z0-9_]*}). */
    static boolean isLabelName(String s) {
        if (s == null || s.isEmpty() || !isNameStart(s.charAt(0), false)) return false;
        for (int i = 1; i < s.length(); i++) if (!isNameChar(s.charAt(i), false)) return false;
        return true;
    }
}
