package io.outrigger.core.event;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Immutable, name-sorted label set: the low-cardinality keys an output such as Loki indexes. Sorted so that two
 * records with the same labels render the same stream key.
 */
public final class Labels {

    public static final Labels EMPTY = new Labels(new String[0], new String[0]);

    private final String[] names;
    private final String[] values;
    private int hash;

    private Labels(String[] names, String[] values) {
        this.names = names;
        this.values = values;
    }

    public static Labels of(Map<String, String> map) {
        if (map.isEmpty()) return EMPTY;
        TreeMap<String, String> sorted = new TreeMap<>(map);
        return new Labels(sorted.keySet().toArray(String[]::new), sorted.values().toArray(String[]::new));
    }

    public static Labels of(String... pairs) {
        if (pairs.length % 2 != 0) throw new IllegalArgumentException("labels come in name/value pairs");
        TreeMap<String, String> m = new TreeMap<>();
        for (int i = 0; i < pairs.length; i += 2) m.put(pairs[i], pairs[i + 1]);
        return of(m);
    }

    public Labels with(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        int i = Arrays.binarySearch(names, name);
        if (i >= 0) {
            if (values[i].equals(value)) return this;
            String[] v = values.clone();
            v[i] = value;
            return new Labels(names, v);
        }
        int at = -i - 1;
        String[] n = new String[names.length + 1];
        String[] v = new String[names.length + 1];
        System.arraycopy(names, 0, n, 0, at);
        System.arraycopy(values, 0, v, 0, at);
        n[at] = name;
        v[at] = value;
        System.arraycopy(names, at, n, at + 1, names.length - at);
        System.arraycopy(values, at, v, at + 1, names.length - at);
        return new Labels(n, v);
    }

    public Labels without(String name) {
        int i = Arrays.binarySearch(names, name);
        if (i < 0) return this;
        TreeMap<String, String> m = new TreeMap<>(asMap());
        m.remove(name);
        return of(m);
    }

    public String get(String name) {
        int i = Arrays.binarySearch(names, name);
        return i >= 0 ? values[i] : null;
    }

    public int size() { return names.length; }

    public boolean isEmpty() { return names.length == 0; }

    public String name(int i) { return names[i]; }

    public String value(int i) { return values[i]; }

    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < names.length; i++) action.accept(names[i], values[i]);
    }

    public Map<String, String> asMap() {
        TreeMap<String, String> m = new TreeMap<>();
        forEach(m::put);
        return m;
    }

    @Override public boolean equals(Object o) {
        return o instanceof Labels l && Arrays.equals(names, l.names) && Arrays.equals(values, l.values);
    }

    @Override public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = 31 * Arrays.hashCode(names) + Arrays.hashCode(values);
            hash = h;
        }
        return h;
    }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < names.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(names[i]).append("=\"").append(values[i]).append('"');
        }
        return sb.append('}').toString();
    }
}
