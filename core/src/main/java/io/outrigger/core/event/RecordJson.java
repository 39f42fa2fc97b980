package io.outrigger.core.event;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Renders records as one JSON object each, in the ECS-like shape the file, stdout and Elasticsearch outputs share:
 * <pre>{"@timestamp":"...","message":"...",&lt;fields&gt;,"labels":{...},"log":{"file":{"path":"..."},"offset":N}}</pre>
 * Fields whose names the shape already uses ({@code @timestamp}, {@code message}, {@code labels}, {@code log}) are
 * kept under {@code "fields"} rather than written twice. Hand-written because it is on the hot path: one pass,
 * no intermediate tree. Not thread-safe (it caches the last second's date text); use one per thread.
 */
public final class RecordJson {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private long cachedSecond = Long.MIN_VALUE;
    private String cachedPrefix = "";

    /** Renders one record in the shared ECS-like shape. */
    public static String toJson(LogRecord r) {
        StringBuilder sb = new StringBuilder(r.message().length() + 128);
        new RecordJson().append(sb, r);
        return sb.toString();
    }

    /** Renders a value as JSON. */
    public static String valueToJson(Value v) {
        StringBuilder sb = new StringBuilder();
        appendValue(sb, v);
        return sb.toString();
    }

    /** Appends the record's JSON object (no trailing newline). */
    public void append(StringBuilder sb, LogRecord r) {
        sb.append("{\"@timestamp\":\"");
        appendTimestamp(sb, r.timeNanos());
        sb.append("\",\"message\":");
        appendString(sb, r.message());
        Fields f = r.fields();
        boolean collisions = false;
        for (int i = 0; i < f.size(); i++) {
            String name = f.name(i);
            if (isReserved(name)) {
                collisions = true;
                continue;
            }
            sb.append(',');
            appendString(sb, name);
            sb.append(':');
            appendValue(sb, f.value(i));
        }
        if (collisions) {
            sb.append(",\"fields\":{");
            boolean first = true;
            for (int i = 0; i < f.size(); i++) {
                if (!isReserved(f.name(i))) continue;
                if (!first) sb.append(',');
                first = false;
                appendString(sb, f.name(i));
                sb.append(':');
                appendValue(sb, f.value(i));
            }
            sb.append('}');
        }
        Labels l = r.labels();
        if (!l.isEmpty()) {
            sb.append(",\"labels\":{");
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) sb.append(',');
                appendString(sb, l.name(i));
                sb.append(':');
                appendString(sb, l.value(i));
            }
            sb.append('}');
        }
        Origin o = r.origin();
        boolean hasPath = !o.path().isEmpty();
        if (hasPath || o.hasOffset() || r.flags() != 0) {
            sb.append(",\"log\":{");
            boolean first = true;
            if (hasPath) {
                sb.append("\"file\":{\"path\":");
                appendString(sb, o.path());
                sb.append('}');
                first = false;
            }
            if (o.hasOffset()) {
                if (!first) sb.append(',');
                sb.append("\"offset\":").append(o.offset());
                first = false;
            }
            if (r.flags() != 0) {
                if (!first) sb.append(',');
                sb.append("\"flags\":[");
                boolean firstFlag = true;
                for (Flag flag : Flag.values()) {
                    if (!r.has(flag)) continue;
                    if (!firstFlag) sb.append(',');
                    firstFlag = false;
                    sb.append('"').append(flag.label()).append('"');
                }
                sb.append(']');
            }
            sb.append('}');
        }
        sb.append('}');
    }

    private static boolean isReserved(String name) {
        return switch (name) {
            case "@timestamp", "message", "labels", "log", "fields" -> true;
            default -> false;
        };
    }

    /** Appends RFC 3339 UTC time with nanoseconds, e.g. {@code 2026-11-27T05:00:00.123456789Z}. */
    public void appendTimestamp(StringBuilder sb, long epochNanos) {
        long second = Math.floorDiv(epochNanos, 1_000_000_000L);
        int nano = (int) Math.floorMod(epochNanos, 1_000_000_000L);
        if (second != cachedSecond) {
            cachedPrefix = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC).toString();
            if (cachedPrefix.length() == 16) cachedPrefix += ":00"; // LocalDateTime drops ":00" seconds
            cachedSecond = second;
        }
        sb.append(cachedPrefix).append('.');
        String digits = Integer.toString(nano);
        for (int i = digits.length(); i < 9; i++) sb.append('0');
        sb.append(digits).append('Z');
    }

    public static void appendValue(StringBuilder sb, Value v) {
        switch (v) {
            case Value.Str s -> appendString(sb, s.value());
            case Value.Int i -> sb.append(i.value());
            case Value.Float d -> {
                double x = d.value();
                if (Double.isFinite(x)) sb.append(x);
                else appendString(sb, Double.toString(x));
            }
            case Value.Bool b -> sb.append(b.value());
            case Value.Null n -> sb.append("null");
            case Value.Arr a -> {
                sb.append('[');
                for (int i = 0; i < a.values().size(); i++) {
                    if (i > 0) sb.append(',');
                    appendValue(sb, a.values().get(i));
                }
                sb.append(']');
            }
            case Value.Obj o -> {
                sb.append('{');
                Fields f = o.fields();
                for (int i = 0; i < f.size(); i++) {
                    if (i > 0) sb.append(',');
                    appendString(sb, f.name(i));
                    sb.append(':');
                    appendValue(sb, f.value(i));
                }
                sb.append('}');
            }
        }
    }

    /** Appends {@code s} as a quoted JSON string. */
    public static void appendString(StringBuilder sb, String s) {
        sb.append('"');
        int len = s.length();
        int first = 0;
        while (first < len) {
            char c = s.charAt(first);
            if (c < 0x20 || c == '"' || c == '\\' || c == 0x2028 || c == 0x2029) break;
            first++;
        }
        if (first == len) { // the common case: nothing to escape, one bulk copy
            sb.append(s).append('"');
            return;
        }
        sb.append(s, 0, first);
        int start = first;
        for (int i = first; i < len; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\' && c != 0x2028 && c != 0x2029) continue;
            sb.append(s, start, i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> sb.append("\\u").append(HEX[c >> 12 & 15]).append(HEX[c >> 8 & 15])
                        .append(HEX[c >> 4 & 15]).append(HEX[c & 15]);
            }
            start = i + 1;
        }
        sb.append(s, start, len).append('"');
    }
}
