package io.outrigger.core.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Path;
import java.nio.file.spi.FileSystemProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Binds a Jackson {@link JsonNode} tree to a config record the way {@link ConfigModule#newMapper()} does, without
 * Jackson's databind machinery (an {@code ObjectMapper} costs a few hundred milliseconds of start-up CPU).
 *
 * <p>Keys are the snake_case form of the record's component names (or a {@link JsonProperty} name); unknown keys
 * are errors; the canonical constructor is called, so compact constructors fill defaults and check values. A
 * record whose constructor is marked {@code @JsonCreator(mode = DELEGATING)} takes the whole value as its one
 * component (e.g. a map of label to template). Scalars are coerced as Jackson's defaults do: a number or boolean
 * where a string is expected, {@code "12"} where a number is, {@code "true"}/{@code "True"}/{@code "TRUE"} or a
 * whole number where a boolean is, a whole-valued float truncated to an integer, {@code ""} and {@code "null"} as
 * "not set" for boxed numbers and booleans. {@link Duration} is written {@code 5s} / {@code 500ms} (a bare
 * {@code 0} is zero), {@link ByteSize} {@code 1MiB} or a number of bytes, {@link Secret} any scalar.
 *
 * <p>A value that does not bind throws {@link BindException} with the relative path of the value
 * ({@code .batch.max_wait}, {@code .hosts[2]}) and a message that says what was expected and what was found; the
 * value of a {@code Secret} is never part of a message.
 */
public final class RecordBinder {

    private RecordBinder() {}

    /** Binds {@code node} to {@code type}; a null or {@code null} node gives null (or NullNode for JsonNode). */
    public static <T> T bind(JsonNode node, Class<T> type) {
        @SuppressWarnings("unchecked")
        T t = (T) value(node, type, "");
        return t;
    }

    /** Binds {@code node} to a possibly generic {@code type} ({@code List<String>}, {@code Map<String, X>}). */
    public static Object bind(JsonNode node, Type type) {
        return value(node, type, "");
    }

    /** Why a value did not bind. */
    public enum Kind {
        /** A value of the wrong shape or text: {@code expected a number, got "abc"}. */
        MISMATCH,
        /** A key that is not one of the record's components. */
        UNKNOWN_KEY,
        /** A record's constructor refused the values (its message, or {@code invalid value}). */
        INSTANTIATION,
        /** The Java type cannot be bound at all (a bug in the config record, not in the YAML). */
        DEFINITION
    }

    /** A value that cannot be bound: where (relative to the bound node), why, and a message for the user. */
    public static final class BindException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String path;
        private final Kind kind;
        private final String key;
        private final transient Collection<String> knownKeys;

        BindException(String path, Kind kind, String message, String key, Collection<String> knownKeys, Throwable cause) {
            super(message, cause);
            this.path = path;
            this.kind = kind;
            this.key = key;
            this.knownKeys = knownKeys == null ? List.of() : List.copyOf(knownKeys);
        }

        /** Where the value is, relative to the node bound: {@code ""}, {@code .a.b}, {@code .list[2]}. */
        public String path() { return path; }

        public Kind kind() { return kind; }

        /** The unknown key (for {@link Kind#UNKNOWN_KEY}), else null. */
        public String key() { return key; }

        /** The keys the record knows (for {@link Kind#UNKNOWN_KEY}), else empty. */
        public Collection<String> knownKeys() { return knownKeys; }
    }

    // ---- records ----

    /** The YAML keys of a record's components, in declaration order: snake_case, or the {@link JsonProperty} name. */
    public static Map<String, RecordComponent> components(Class<?> type) {
        Map<String, RecordComponent> byKey = new LinkedHashMap<>();
        for (RecordComponent rc : type.getRecordComponents()) byKey.put(key(rc), rc);
        return byKey;
    }

    private static String key(RecordComponent rc) {
        JsonProperty renamed = rc.getAccessor().getAnnotation(JsonProperty.class);
        if (renamed == null) renamed = rc.getAnnotation(JsonProperty.class);
        return renamed != null && !renamed.value().isEmpty() ? renamed.value() : snakeCase(rc.getName());
    }

    /**
     * The single component of a record whose canonical constructor is marked
     * {@code @JsonCreator(mode = DELEGATING)} (the whole value binds to it), else null.
     */
    public static RecordComponent delegate(Class<?> type) {
        if (!type.isRecord() || type.getRecordComponents().length != 1) return null;
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            JsonCreator jc = c.getAnnotation(JsonCreator.class);
            if (jc != null && jc.mode() == JsonCreator.Mode.DELEGATING && c.getParameterCount() == 1) {
                return type.getRecordComponents()[0];
            }
        }
        return null;
    }

    /** {@code maxLineBytes} -> {@code max_line_bytes}, as Jackson's SNAKE_CASE naming strategy does it. */
    public static String snakeCase(String name) {
        StringBuilder out = new StringBuilder(name.length() * 2);
        boolean prevUpper = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (i == 0 && c == '_') continue;
            if (Character.isUpperCase(c)) {
                if (!prevUpper && !out.isEmpty() && out.charAt(out.length() - 1) != '_') out.append('_');
                c = Character.toLowerCase(c);
                prevUpper = true;
            } else {
                prevUpper = false;
            }
            out.append(c);
        }
        return out.isEmpty() ? name : out.toString();
    }

    private static Object record(JsonNode n, Class<?> type, String path) {
        RecordComponent delegate = delegate(type);
        RecordComponent[] rcs = type.getRecordComponents();
        Object[] args = new Object[rcs.length];
        if (delegate != null) {
            args[0] = value(n, delegate.getGenericType(), path);
        } else {
            if (!n.isObject()) throw mismatch(path, type, n);
            Map<String, Integer> byKey = new LinkedHashMap<>();
            for (int i = 0; i < rcs.length; i++) byKey.put(key(rcs[i]), i);
            boolean[] set = new boolean[rcs.length];
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                Integer index = byKey.get(field.getKey());
                if (index == null) {
                    throw new BindException(path + "." + field.getKey(), Kind.UNKNOWN_KEY,
                            "unknown key \"" + field.getKey() + "\" (known keys: " + String.join(", ", new TreeSet<>(byKey.keySet())) + ")",
                            field.getKey(), byKey.keySet(), null);
                }
                int i = index;
                RecordComponent rc = rcs[i];
                args[i] = value(field.getValue(), rc.getGenericType(), path + "." + field.getKey());
                set[i] = true;
            }
            for (int i = 0; i < rcs.length; i++) {
                // as Jackson with FAIL_ON_NULL_FOR_PRIMITIVES: a primitive must be given
                if (!set[i] && rcs[i].getType().isPrimitive()) {
                    throw mismatch(path + "." + key(rcs[i]), rcs[i].getType(), com.fasterxml.jackson.databind.node.MissingNode.getInstance());
                }
            }
        }
        Constructor<?> ctor;
        try {
            Class<?>[] types = new Class<?>[rcs.length];
            for (int i = 0; i < rcs.length; i++) types[i] = rcs[i].getType();
            ctor = type.getDeclaredConstructor(types);
            ctor.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw definition(path, "cannot call the canonical constructor of " + type.getName() + ": " + e);
        }
        try {
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            throw instantiation(path, e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw definition(path, "cannot call the canonical constructor of " + type.getName() + ": " + e);
        }
    }

    /** A plain class with a public no-arg constructor, bound through its public fields and setters. */
    private static boolean isBean(Class<?> c) {
        if (c.isInterface() || c.isPrimitive() || Modifier.isAbstract(c.getModifiers()) || c.getName().startsWith("java")) {
            return false;
        }
        try {
            return Modifier.isPublic(c.getConstructor().getModifiers());
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static Object bean(JsonNode n, Class<?> type, String path) {
        if (!n.isObject()) throw mismatch(path, type, n);
        Map<String, java.lang.reflect.Member> props = new LinkedHashMap<>();
        for (Field f : type.getFields()) {
            int m = f.getModifiers();
            if (!Modifier.isStatic(m) && !Modifier.isFinal(m)) props.put(snakeCase(f.getName()), f);
        }
        for (Method method : type.getMethods()) {
            String name = method.getName();
            if (name.length() > 3 && name.startsWith("set") && method.getParameterCount() == 1
                    && !Modifier.isStatic(method.getModifiers())) {
                String prop = Character.toLowerCase(name.charAt(3)) + name.substring(4);
                props.put(snakeCase(prop), method);
            }
        }
        Object bean;
        try {
            bean = type.getConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw instantiation(path, e.getCause());
        } catch (ReflectiveOperationException e) {
            throw definition(path, "cannot create " + type.getName() + ": " + e);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            java.lang.reflect.Member member = props.get(field.getKey());
            String at = path + "." + field.getKey();
            if (member == null) {
                throw new BindException(at, Kind.UNKNOWN_KEY, "unknown key \"" + field.getKey() + "\" (known keys: "
                        + String.join(", ", new TreeSet<>(props.keySet())) + ")", field.getKey(), props.keySet(), null);
            }
            try {
                if (member instanceof Field f) {
                    f.set(bean, value(field.getValue(), f.getGenericType(), at));
                } else {
                    Method m = (Method) member;
                    m.invoke(bean, value(field.getValue(), m.getGenericParameterTypes()[0], at));
                }
            } catch (InvocationTargetException e) {
                throw instantiation(at, e.getCause());
            } catch (IllegalAccessException e) {
                throw definition(at, "cannot set " + member.getName() + " of " + type.getName() + ": " + e);
            }
        }
        return bean;
    }

    // ---- any value ----

    private static Object value(JsonNode n, Type t, String path) {
        Class<?> raw = raw(t);
        if (n == null || n.isNull() || n.isMissingNode()) {
            if (raw.isPrimitive()) throw mismatch(path, raw, NullNode.getInstance());
            return JsonNode.class.isAssignableFrom(raw) && n != null ? NullNode.getInstance() : null;
        }
        if (raw == String.class) return string(n, path);
        if (raw == Object.class) return untyped(n);
        if (JsonNode.class.isAssignableFrom(raw)) {
            if (!raw.isInstance(n)) throw mismatch(path, raw, n);
            return n.deepCopy();
        }
        if (raw == Duration.class) return duration(n, path);
        if (raw == ByteSize.class) return byteSize(n, path);
        if (raw == Secret.class) {
            if (!n.isValueNode()) throw mismatch(path, Secret.class, n);
            return Secret.of(n.asText());
        }
        if (raw == Boolean.class || raw == boolean.class) return bool(n, raw, path);
        if (isNumber(raw)) return number(n, raw, path);
        if (raw == Character.class || raw == char.class) return character(n, raw, path);
        if (raw == Path.class) return path(n, path);
        if (raw == URI.class) return uri(n, path);
        if (raw.isEnum()) return enumValue(n, raw, path);
        if (raw.isArray() || t instanceof GenericArrayType) return array(n, t, raw, path);
        if (Collection.class.isAssignableFrom(raw)) return collection(n, t, raw, path);
        if (Map.class.isAssignableFrom(raw)) return map(n, t, raw, path);
        if (raw.isRecord()) return record(n, raw, path);
        if (isBean(raw)) return bean(n, raw, path);
        throw definition(path, "no binding for type " + t.getTypeName());
    }

    private static String string(JsonNode n, String path) {
        if (n.isTextual()) return n.textValue();
        if (n.isValueNode()) return n.asText();
        throw mismatch(path, String.class, n);
    }

    /** As Jackson's untyped binding: String, Integer/Long/BigInteger, Double, Boolean, List, Map. */
    private static Object untyped(JsonNode n) {
        if (n.isTextual()) return n.textValue();
        if (n.isNumber()) return n.numberValue();
        if (n.isBoolean()) return n.booleanValue();
        if (n.isNull() || n.isMissingNode()) return null;
        if (n.isArray()) {
            List<Object> out = new ArrayList<>(n.size());
            for (JsonNode item : n) out.add(untyped(item));
            return out;
        }
        if (n.isObject()) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.put(e.getKey(), untyped(e.getValue()));
            }
            return out;
        }
        return n.asText();
    }

    private static Duration duration(JsonNode n, String path) {
        if (n.isIntegralNumber()) {
            if (!n.canConvertToLong()) throw outOfRange(path, n);
            if (n.longValue() == 0) return Duration.ZERO;
            throw mismatch(path, Duration.class, n);
        }
        try {
            return Durations.parse(n.isValueNode() ? n.asText() : "");
        } catch (IllegalArgumentException e) {
            throw mismatch(path, Duration.class, n);
        }
    }

    private static ByteSize byteSize(JsonNode n, String path) {
        if (n.isIntegralNumber()) {
            if (!n.canConvertToLong()) throw outOfRange(path, n);
            try {
                return ByteSize.ofBytes(n.longValue());
            } catch (IllegalArgumentException e) {
                throw new BindException(path, Kind.MISMATCH, e.getMessage(), null, null, e);
            }
        }
        try {
            return ByteSize.parse(n.isValueNode() ? n.asText() : "");
        } catch (IllegalArgumentException e) {
            throw mismatch(path, ByteSize.class, n);
        }
    }

    /** Text as Jackson coerces it to a scalar: trimmed; null when {@code ""} or {@code "null"}. */
    private static String coercibleText(JsonNode n) {
        String s = n.textValue().trim();
        return s.isEmpty() || s.equals("null") ? null : s;
    }

    private static Object bool(JsonNode n, Class<?> raw, String path) {
        if (n.isBoolean()) return n.booleanValue();
        if (n.isIntegralNumber()) return !(n.isBigInteger() ? n.bigIntegerValue().signum() == 0 : n.longValue() == 0);
        if (n.isTextual()) {
            String s = coercibleText(n);
            if (s == null) {
                if (raw.isPrimitive()) throw mismatch(path, raw, n);
                return null;
            }
            if (s.equals("true") || s.equals("True") || s.equals("TRUE")) return true;
            if (s.equals("false") || s.equals("False") || s.equals("FALSE")) return false;
        }
        throw mismatch(path, raw, n);
    }

    private static boolean isNumber(Class<?> c) {
        return c == Integer.class || c == int.class || c == Long.class || c == long.class || c == Short.class
                || c == short.class || c == Byte.class || c == byte.class || c == Double.class || c == double.class
                || c == Float.class || c == float.class || c == BigInteger.class || c == BigDecimal.class;
    }

    private static Object number(JsonNode n, Class<?> raw, String path) {
        boolean floating = raw == Double.class || raw == double.class || raw == Float.class || raw == float.class;
        if (n.isNumber()) {
            if (raw == BigDecimal.class) return n.decimalValue();
            if (floating) return raw == Double.class || raw == double.class ? (Object) n.doubleValue() : (Object) n.floatValue();
            if (raw == BigInteger.class) return n.bigIntegerValue();
            if (n.isFloatingPointNumber()) {
                double d = n.doubleValue();
                if (raw == Long.class || raw == long.class) {
                    if (!(d >= Long.MIN_VALUE && d <= Long.MAX_VALUE)) throw outOfRange(path, n);
                    return (long) d;
                }
                if (!(d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE)) throw outOfRange(path, n);
                return narrow((int) d, raw, path, n, true);
            }
            if (raw == Long.class || raw == long.class) {
                if (!n.canConvertToLong()) throw outOfRange(path, n);
                return n.longValue();
            }
            if (!n.canConvertToInt()) throw outOfRange(path, n);
            return narrow(n.intValue(), raw, path, n, true);
        }
        if (n.isTextual()) {
            String s = coercibleText(n);
            if (s == null) {
                if (raw.isPrimitive()) throw mismatch(path, raw, n);
                return null;
            }
            try {
                if (raw == BigDecimal.class) return new BigDecimal(s);
                if (raw == BigInteger.class) return new BigInteger(s);
                if (floating) {
                    double d = switch (s) {
                        case "INF", "Infinity" -> Double.POSITIVE_INFINITY;
                        case "-INF", "-Infinity" -> Double.NEGATIVE_INFINITY;
                        default -> Double.parseDouble(s);
                    };
                    return raw == Double.class || raw == double.class ? (Object) d : (Object) (float) d;
                }
                if (!isPlainInteger(s)) throw mismatch(path, raw, n);
                if (raw == Long.class || raw == long.class) return Long.parseLong(s);
                return narrow(Integer.parseInt(s), raw, path, n, false);
            } catch (NumberFormatException e) {
                throw mismatch(path, raw, n);
            }
        }
        throw mismatch(path, raw, n);
    }

    private static boolean isPlainInteger(String s) {
        int start = s.charAt(0) == '-' || s.charAt(0) == '+' ? 1 : 0;
        if (start == s.length()) return false;
        for (int i = start; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        return true;
    }

    /** Narrows to short or byte: out of range is "out of range" for a number, a mismatch for text (as Jackson). */
    private static Object narrow(int v, Class<?> raw, String path, JsonNode n, boolean fromNumber) {
        if (raw == Short.class || raw == short.class) {
            if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) throw fromNumber ? outOfRange(path, n) : mismatch(path, raw, n);
            return (short) v;
        }
        if (raw == Byte.class || raw == byte.class) {
            // as Jackson: -128..255, the upper half read as an unsigned byte
            if (v < Byte.MIN_VALUE || v > 255) throw fromNumber ? outOfRange(path, n) : mismatch(path, raw, n);
            return (byte) v;
        }
        return v;
    }

    private static Object character(JsonNode n, Class<?> raw, String path) {
        if (n.isIntegralNumber()) {
            if (!n.canConvertToInt()) throw outOfRange(path, n);
            int v = n.intValue();
            if (v < 0 || v > 0xFFFF) throw mismatch(path, raw, n);
            return (char) v;
        }
        if (n.isTextual()) {
            String s = n.textValue();
            if (s.length() == 1) return s.charAt(0);
            if (coercibleText(n) == null && !raw.isPrimitive()) return null;
        }
        throw mismatch(path, raw, n);
    }

    private static Path path(JsonNode n, String path) {
        if (!n.isTextual()) throw mismatch(path, Path.class, n);
        String value = n.textValue();
        if (value.indexOf(':') < 0) return Path.of(value);
        // as Jackson: a value with a colon is read as a URI (file:///var/log)
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw instantiation(path, e);
        }
        try {
            return Path.of(uri);
        } catch (FileSystemNotFoundException notFound) {
            for (FileSystemProvider provider : FileSystemProvider.installedProviders()) {
                if (provider.getScheme().equalsIgnoreCase(uri.getScheme())) {
                    try {
                        return provider.getPath(uri);
                    } catch (RuntimeException e) {
                        throw instantiation(path, e);
                    }
                }
            }
            throw instantiation(path, notFound);
        } catch (RuntimeException e) {
            throw instantiation(path, e);
        }
    }

    private static URI uri(JsonNode n, String path) {
        if (!n.isValueNode()) throw mismatch(path, URI.class, n);
        try {
            return URI.create(n.asText().trim());
        } catch (IllegalArgumentException e) {
            throw mismatch(path, URI.class, n);
        }
    }

    private static Object enumValue(JsonNode n, Class<?> raw, String path) {
        Object[] constants = raw.getEnumConstants();
        if (n.isIntegralNumber()) {
            if (!n.canConvertToInt()) throw outOfRange(path, n);
            int i = n.intValue();
            if (i >= 0 && i < constants.length) return constants[i];
            throw mismatch(path, raw, n);
        }
        if (n.isTextual()) {
            String s = n.textValue().trim();
            for (Object c : constants) if (((Enum<?>) c).name().equals(s)) return c;
            if (!s.isEmpty() && isPlainInteger(s) && s.charAt(0) != '+' && s.charAt(0) != '-') {
                try {
                    int i = Integer.parseInt(s);
                    if (i < constants.length) return constants[i];
                } catch (NumberFormatException ignored) {
                    // not an index
                }
            }
        }
        throw mismatch(path, raw, n);
    }

    private static Object array(JsonNode n, Type t, Class<?> raw, String path) {
        if (!n.isArray()) throw mismatch(path, raw, n);
        Type element = t instanceof GenericArrayType g ? g.getGenericComponentType() : raw.getComponentType();
        Object out = Array.newInstance(raw(element), n.size());
        for (int i = 0; i < n.size(); i++) Array.set(out, i, value(n.get(i), element, path + "[" + i + "]"));
        return out;
    }

    private static Object collection(JsonNode n, Type t, Class<?> raw, String path) {
        Collection<Object> out;
        if (raw.isAssignableFrom(ArrayList.class)) out = new ArrayList<>();
        else if (raw.isAssignableFrom(HashSet.class)) out = new HashSet<>();
        else if (raw.isAssignableFrom(TreeSet.class) || raw == SortedSet.class) out = new TreeSet<>();
        else throw definition(path, "no binding for collection type " + t.getTypeName());
        if (!n.isArray()) throw mismatch(path, out.getClass(), n);
        Type element = t instanceof ParameterizedType pt ? pt.getActualTypeArguments()[0] : Object.class;
        for (int i = 0; i < n.size(); i++) out.add(value(n.get(i), element, path + "[" + i + "]"));
        return out;
    }

    private static Object map(JsonNode n, Type t, Class<?> raw, String path) {
        Map<String, Object> out;
        if (raw.isAssignableFrom(LinkedHashMap.class)) out = new LinkedHashMap<>();
        else if (raw.isAssignableFrom(TreeMap.class) || raw == SortedMap.class) out = new TreeMap<>();
        else throw definition(path, "no binding for map type " + t.getTypeName());
        Type key = t instanceof ParameterizedType pt ? pt.getActualTypeArguments()[0] : Object.class;
        Type value = t instanceof ParameterizedType pt ? pt.getActualTypeArguments()[1] : Object.class;
        if (raw(key) != String.class && raw(key) != Object.class && raw(key) != CharSequence.class) {
            throw definition(path, "map keys must be strings: " + t.getTypeName());
        }
        if (!n.isObject()) throw mismatch(path, out.getClass(), n);
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), value(e.getValue(), value, path + "." + e.getKey()));
        }
        return out;
    }

    /** The class a (possibly generic) type erases to: {@code List<String>} is List, {@code T extends X} is X. */
    public static Class<?> raw(Type t) {
        if (t instanceof Class<?> c) return c;
        if (t instanceof ParameterizedType pt) return raw(pt.getRawType());
        if (t instanceof WildcardType w) return raw(w.getUpperBounds()[0]);
        if (t instanceof GenericArrayType g) return Array.newInstance(raw(g.getGenericComponentType()), 0).getClass();
        if (t instanceof TypeVariable<?> v) return raw(v.getBounds()[0]);
        return Object.class;
    }

    // ---- errors ----

    private static BindException mismatch(String path, Class<?> target, JsonNode at) {
        return new BindException(path, Kind.MISMATCH, expected(target, at), null, null, null);
    }

    private static BindException outOfRange(String path, JsonNode at) {
        return new BindException(path, Kind.MISMATCH, "number out of range, got " + describe(at), null, null, null);
    }

    private static BindException instantiation(String path, Throwable cause) {
        String message = "invalid value";
        if ((cause instanceof IllegalArgumentException || cause instanceof IllegalStateException
                || cause instanceof NullPointerException) && cause.getMessage() != null) {
            message = cause.getMessage();
        }
        return new BindException(path, Kind.INSTANTIATION, message, null, null, cause);
    }

    private static BindException definition(String path, String detail) {
        return new BindException(path, Kind.DEFINITION,
                "this component's config cannot be bound (a bug in its plugin): " + detail, null, null, null);
    }

    /** What was expected where {@code at} was found, for a value of type {@code target} that does not bind. */
    static String expected(Class<?> target, JsonNode at) {
        String got = at == null || at.isMissingNode() ? "" : ", got " + describe(at);
        if (target == Duration.class) {
            if (at != null && at.isTextual()) {
                try {
                    Durations.parse(at.textValue());
                } catch (IllegalArgumentException x) {
                    return x.getMessage();
                }
            }
            if (at != null && at.isNumber()) {
                return "invalid duration " + at.asText() + " (a duration needs a unit, e.g. " + at.asText() + "s or "
                        + at.asText() + "ms)";
            }
            return "expected a duration such as 30s" + got;
        }
        if (target == ByteSize.class) {
            if (at != null && at.isValueNode()) {
                try {
                    ByteSize.parse(at.asText());
                } catch (IllegalArgumentException x) {
                    return x.getMessage();
                }
            }
            return "expected a size such as 1MiB" + got;
        }
        if (target == Secret.class) return "expected a string";
        if (isNumber(target)) return "expected a number" + got;
        if (target == Boolean.class || target == boolean.class) return "expected true or false" + got;
        if (target == String.class || target == Path.class || target == URI.class || target == Character.class
                || target == char.class) {
            return "expected a string" + got;
        }
        if (target.isEnum()) {
            String values = java.util.Arrays.stream(target.getEnumConstants()).map(String::valueOf)
                    .collect(Collectors.joining(", "));
            return (at != null && at.isValueNode() ? describe(at) + " is not one of " : "expected one of ") + values;
        }
        if (target.isArray() || Collection.class.isAssignableFrom(target)) return "expected a list" + got;
        if (Map.class.isAssignableFrom(target) || target.isRecord()) return "expected a map (key: value)" + got;
        return "invalid value" + got;
    }

    /** How a value is shown in a message: {@code "abc"}, {@code 12}, {@code a list}. */
    public static String describe(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) return "nothing";
        if (n.isTextual()) return "\"" + n.textValue() + "\"";
        if (n.isArray()) return "a list";
        if (n.isObject()) return "a map";
        return n.asText();
    }
}
