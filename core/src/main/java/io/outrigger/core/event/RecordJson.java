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

    private static final int NAME_SLOTS = 128;
    private static final int MAX_CACHED_NAME = 64;
    private static final int MAX_CACHED_VALUE = 128;

    private final JsonBuffer scratch = new JsonBuffer(512);
    /**
     * Field names already rendered as {@code "name":}, a direct-mapped cache by the name's (cached) hash: names
     * repeat on every record and are usually the very same String objects, so most become one array copy. Made on
     * first use, so a RecordJson made only to render a timestamp stays small.
     */
    private String[] nameKeys;
    private byte[][] nameBytes;
    /**
     * Per name slot: the last string Value rendered under that name, and its rendering. Made on first use. An
     * Object[] because a store into a Value[] is type-checked, and C2 deoptimised on that check (reason
     * array_check) and compiled the rendering again, several times a run.
     */
    private Object[] valueKeys;
    private byte[][] valueBytes;
    private int[] valueLengths;
    private String cachedPath;
    private byte[] cachedPathBytes;
    private long cachedNanos = Long.MIN_VALUE;
    private byte[] cachedStamp;
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
        scratch.reset();
        append(scratch, r);
        sb.append(scratch);
    }

    /** Appends the record's JSON object (no trailing newline) as UTF-8 bytes: the fast path for outputs. */
    public void append(JsonBuffer b, LogRecord r) {
        b.appendAscii("{\"@timestamp\":\"");
        appendTimestamp(b, r.timeNanos());
        b.appendAscii("\",\"message\":");
        byte[] utf8 = r.utf8Message();
        if (utf8 != null) b.appendUtf8String(utf8);
        else b.appendString(r.message());
        Fields f = r.fields();
        boolean collisions = false;
        for (int i = 0; i < f.size(); i++) {
            String name = f.name(i);
            if (isReserved(name)) {
                collisions = true;
                continue;
            }
            b.append(',');
            appendName(b, name);
            Value v = f.value(i);
            if (v instanceof Value.Str) appendStr(b, name, v);
            else appendValue(b, v);
        }
        if (collisions) {
            b.appendAscii(",\"fields\":{");
            boolean first = true;
            for (int i = 0; i < f.size(); i++) {
                if (!isReserved(f.name(i))) continue;
                if (!first) b.append(',');
                first = false;
                b.appendString(f.name(i)).append(':');
                appendValue(b, f.value(i));
            }
            b.append('}');
        }
        Labels l = r.labels();
        if (!l.isEmpty()) {
            b.appendAscii(",\"labels\":{");
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) b.append(',');
                appendName(b, l.name(i));
                b.appendString(l.value(i));
            }
            b.append('}');
        }
        Origin o = r.origin();
        boolean hasPath = !o.path().isEmpty();
        if (hasPath || o.hasOffset() || r.flags() != 0) {
            b.appendAscii(",\"log\":{");
            boolean first = true;
            if (hasPath) {
                appendPath(b, o.path());
                first = false;
            }
            if (o.hasOffset()) {
                if (!first) b.append(',');
                b.appendAscii("\"offset\":").append(o.offset());
                first = false;
            }
            if (r.flags() != 0) {
                if (!first) b.append(',');
                b.appendAscii("\"flags\":[");
                boolean firstFlag = true;
                for (Flag flag : Flag.values()) {
                    if (!r.has(flag)) continue;
                    if (!firstFlag) b.append(',');
                    firstFlag = false;
                    b.append('"').appendAscii(flag.label()).append('"');
                }
                b.append(']');
            }
            b.append('}');
        }
        b.append('}');
    }

    /** Appends {@code "name":}, from the cache when this name was rendered before. */
    private void appendName(JsonBuffer b, String name) {
        if (nameKeys == null) {
            nameKeys = new String[NAME_SLOTS];
            nameBytes = new byte[NAME_SLOTS][];
        }
        int slot = name.hashCode() & (NAME_SLOTS - 1);
        String key = nameKeys[slot];
        if (key == name || key != null && key.equals(name)) {
            byte[] bytes = nameBytes[slot];
            b.append(bytes, 0, bytes.length);
            return;
        }
        int start = b.length();
        b.appendString(name).append(':');
        if (name.length() <= MAX_CACHED_NAME) {
            nameBytes[slot] = java.util.Arrays.copyOfRange(b.array(), start, b.length());
            nameKeys[slot] = name;
        }
    }

    /**
     * Appends a string value, kept rendered per field name (in the name's cache slot) for the last Value seen under
     * it: parsers hand out the same Value when a line repeats the previous line's text at the same place (a
     * level, a logger, a host), so those are one identity check and one array copy. Call after
     * {@link #appendName} for the same name.
     */
    private void appendStr(JsonBuffer b, String name, Value v) {
        int slot = name.hashCode() & (NAME_SLOTS - 1);
        if (valueKeys == null) {
            valueKeys = new Object[NAME_SLOTS];
            valueBytes = new byte[NAME_SLOTS][];
            valueLengths = new int[NAME_SLOTS];
        }
        if (valueKeys[slot] == v && nameKeys[slot] == name) {
            b.append(valueBytes[slot], 0, valueLengths[slot]);
            return;
        }
        int start = b.length();
        b.appendString(((Value.Str) v).value());
        int n = b.length() - start;
        if (n <= MAX_CACHED_VALUE && nameKeys[slot] == name) {
            byte[] kept = valueBytes[slot];
            if (kept == null) valueBytes[slot] = kept = new byte[MAX_CACHED_VALUE];
            System.arraycopy(b.array(), start, kept, 0, n);
            valueLengths[slot] = n;
            valueKeys[slot] = v;
        }
    }

    /**
     * Appends {@code "file":{"path":"..."}}, kept rendered for the last path: the records of one file share its
     * path String, so this is usually one identity check and one array copy.
     */
    private void appendPath(JsonBuffer b, String path) {
        if (path != cachedPath) {
            int start = b.length();
            b.appendAscii("\"file\":{\"path\":").appendString(path).append('}');
            cachedPathBytes = java.util.Arrays.copyOfRange(b.array(), start, b.length());
            cachedPath = path;
            return;
        }
        b.append(cachedPathBytes, 0, cachedPathBytes.length);
    }

    private static boolean isReserved(String name) {
        return switch (name) {
            case "@timestamp", "message", "labels", "log", "fields" -> true;
            default -> false;
        };
    }

    /** Appends RFC 3339 UTC time with nanoseconds, e.g. {@code 2026-11-27T05:00:00.123456789Z}. */
    public void appendTimestamp(StringBuilder sb, long epochNanos) {
        scratch.reset();
        appendTimestamp(scratch, epochNanos);
        sb.append(scratch);
    }

    /** Appends RFC 3339 UTC time with nanoseconds, e.g. {@code 2026-11-27T05:00:00.123456789Z}. */
    public void appendTimestamp(JsonBuffer b, long epochNanos) {
        if (epochNanos == cachedNanos) { // the lines of one read share their read time
            b.append(cachedStamp, 0, cachedStamp.length);
            return;
        }
        int start = b.length();
        appendTimestampText(b, epochNanos);
        cachedStamp = java.util.Arrays.copyOfRange(b.array(), start, b.length());
        cachedNanos = epochNanos;
    }

    private void appendTimestampText(JsonBuffer b, long epochNanos) {
        long second = Math.floorDiv(epochNanos, 1_000_000_000L);
        int nano = (int) Math.floorMod(epochNanos, 1_000_000_000L);
        if (second != cachedSecond) {
            String prefix = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC).toString();
            if (prefix.length() == 16) prefix += ":00"; // LocalDateTime drops ":00" seconds
            cachedPrefix = prefix;
            cachedSecond = second;
        }
        b.appendAscii(cachedPrefix).append('.').appendPadded(nano, 9).append('Z');
    }

    public static void appendValue(JsonBuffer b, Value v) {
        switch (v) {
            case Value.Str s -> b.appendString(s.value());
            case Value.Int i -> b.append(i.value());
            case Value.Float d -> {
                double x = d.value();
                if (Double.isFinite(x)) b.appendAscii(Double.toString(x));
                else b.appendString(Double.toString(x));
            }
            case Value.Bool bool -> b.appendAscii(bool.value() ? "true" : "false");
            case Value.Null n -> b.appendAscii("null");
            case Value.Arr a -> {
                b.append('[');
                for (int i = 0; i < a.values().size(); i++) {
                    if (i > 0) b.append(',');
                    appendValue(b, a.values().get(i));
                }
                b.append(']');
            }
            case Value.Obj o -> {
                b.append('{');
                Fields f = o.fields();
                for (int i = 0; i < f.size(); i++) {
                    if (i > 0) b.append(',');
                    b.appendString(f.name(i)).append(':');
                    appendValue(b, f.value(i));
                }
                b.append('}');
            }
        }
    }

    /** Appends a value as JSON text: the byte renderer's output, so both paths escape alike. */
    public static void appendValue(StringBuilder sb, Value v) {
        JsonBuffer b = new JsonBuffer(64);
        appendValue(b, v);
        sb.append(b);
    }

    /** Appends {@code s} as a quoted JSON string (escaped as {@link JsonBuffer#appendString} does). */
    public static void appendString(StringBuilder sb, String s) {
        sb.append(new JsonBuffer(s.length() + 16).appendString(s));
    }
}
