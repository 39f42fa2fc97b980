package io.outrigger.core.event;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * An immutable, insertion-ordered map of field name to {@link Value}. Small records are the common case, so
 * entries are kept in two parallel arrays and looked up linearly: cheaper than a hash map below a few dozen
 * fields, and allocation-light on the hot path.
 */
public final class Fields {

    public static final Fields EMPTY = new Fields(new String[0], new Value[0]);

    private final String[] names;
    private final Value[] values;
    private long heapEstimate = -1;

    private Fields(String[] names, Value[] values) {
        this.names = names;
        this.values = values;
    }

    /**
     * Estimated heap bytes of these fields: the arrays, each value object and its text. Names are not counted:
     * parsers intern them, so they are shared between records. Computed once (fields are immutable).
     */
    public long heapEstimate() {
        long e = heapEstimate;
        if (e < 0) {
            e = 48 + 8L * names.length;
            for (Value v : values) e += estimate(v);
            heapEstimate = e;
        }
        return e;
    }

    private static long estimate(Value v) {
        return switch (v) {
            case Value.Str s -> 64 + s.value().length();
            case Value.Arr a -> {
                long t = 40 + 8L * a.values().size();
                for (Value x : a.values()) t += estimate(x);
                yield t;
            }
            case Value.Obj o -> 16 + o.fields().heapEstimate();
            default -> 24;
        };
    }

    public static Builder builder() { return new Builder(8); }

    public static Fields of(String name, Value value) { return builder().put(name, value).build(); }

    public Builder toBuilder() { return new Builder(this); }

    public int size() { return names.length; }

    public boolean isEmpty() { return names.length == 0; }

    public Value get(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) return values[i];
        }
        return null;
    }

    public Optional<Value> find(String name) { return Optional.ofNullable(get(name)); }

    /** Looks up a dotted path ({@code http.status}) through nested objects; a name containing dots matches first. */
    public Value getPath(String path) {
        Value direct = get(path);
        if (direct != null || path.indexOf('.') < 0) return direct;
        Fields current = this;
        String[] parts = path.split("\\.");
        for (int i = 0; i < parts.length; i++) {
            Value v = current.get(parts[i]);
            if (v == null) return null;
            if (i == parts.length - 1) return v;
            if (!(v instanceof Value.Obj(Fields nested))) return null;
            current = nested;
        }
        return null;
    }

    public boolean contains(String name) { return get(name) != null; }

    public String name(int i) { return names[i]; }

    public Value value(int i) { return values[i]; }

    public void forEach(BiConsumer<String, Value> action) {
        for (int i = 0; i < names.length; i++) action.accept(names[i], values[i]);
    }

    public Map<String, Value> asMap() {
        Map<String, Value> m = new LinkedHashMap<>();
        forEach(m::put);
        return Collections.unmodifiableMap(m);
    }

    @Override public boolean equals(Object o) {
        return o instanceof Fields f && asMap().equals(f.asMap());
    }

    @Override public int hashCode() { return asMap().hashCode(); }

    @Override public String toString() { return RecordJson.valueToJson(new Value.Obj(this)); }

    /** Builds a {@link Fields}; putting an existing name replaces its value in place. */
    public static final class Builder {
        private String[] names;
        private Value[] values;
        private int size;
        /** The arrays were handed to a built {@link Fields} as they were: copy them before any change. */
        private boolean shared;
        /**
         * One bit per name put, chosen by its hash: a name whose bit is clear is surely not here, so most puts of a
         * new name (a parser filling a record) skip the scan. Bits are never cleared; a stale one costs a scan.
         */
        private long hashBits;

        private Builder(int capacity) {
            names = new String[capacity];
            values = new Value[capacity];
        }

        private Builder(Fields from) {
            names = Arrays.copyOf(from.names, Math.max(8, from.names.length + 4));
            values = Arrays.copyOf(from.values, names.length);
            size = from.names.length;
            for (int i = 0; i < size; i++) hashBits |= bit(names[i]);
        }

        private static long bit(String name) {
            int h = name.hashCode();
            return 1L << (h ^ h >>> 6 ^ h >>> 12);
        }

        public Builder put(String name, Value value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            long bit = bit(name);
            int i = indexOf(name, bit);
            unshare();
            if (i >= 0) {
                values[i] = value;
                return this;
            }
            if (size == names.length) {
                names = Arrays.copyOf(names, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            names[size] = name;
            values[size++] = value;
            hashBits |= bit;
            return this;
        }

        public Builder put(String name, String value) { return put(name, Value.of(value)); }

        public Builder putAll(Fields other) {
            other.forEach(this::put);
            return this;
        }

        public Value get(String name) {
            int i = indexOf(name);
            return i < 0 ? null : values[i];
        }

        /** Names are usually the same String objects (parsers share them), and Strings cache their hash. */
        private int indexOf(String name) { return indexOf(name, bit(name)); }

        private int indexOf(String name, long bit) {
            if ((hashBits & bit) == 0) return -1;
            int h = name.hashCode();
            for (int i = 0; i < size; i++) {
                String n = names[i];
                if (n == name || n.hashCode() == h && n.equals(name)) return i;
            }
            return -1;
        }

        public Builder remove(String name) {
            int i = indexOf(name);
            if (i >= 0) {
                unshare();
                System.arraycopy(names, i + 1, names, i, size - i - 1);
                System.arraycopy(values, i + 1, values, i, size - i - 1);
                size--;
                names[size] = null;
                values[size] = null;
            }
            return this;
        }

        public int size() { return size; }

        /** A builder filled to its capacity hands its arrays over instead of copying them (copy-on-write after). */
        public Fields build() {
            if (size == 0) return EMPTY;
            if (size == names.length) {
                shared = true;
                return new Fields(names, values);
            }
            return new Fields(Arrays.copyOf(names, size), Arrays.copyOf(values, size));
        }

        private void unshare() {
            if (!shared) return;
            names = names.clone();
            values = values.clone();
            shared = false;
        }
    }
}
