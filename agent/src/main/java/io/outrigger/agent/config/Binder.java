package io.outrigger.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.outrigger.core.config.ByteSize;
import io.outrigger.core.config.ConfigModule;
import io.outrigger.core.config.Durations;
import io.outrigger.core.config.Secret;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Binds a component's YAML block to its config record with {@link ConfigModule#newMapper()}, reporting every
 * problem rather than Jackson's first: it walks the record's components itself (unknown keys with suggestions,
 * values that do not bind, each at its own key path), leaves the bad values out, then binds what is left.
 */
final class Binder {

    private static final PropertyNamingStrategies.NamingBase SNAKE =
            (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

    /** Records Jackson binds from a scalar ({@code 64MiB}), not from a map of their components. */
    private static final Set<Class<?>> SCALAR_RECORDS = Set.of(ByteSize.class);

    private final ObjectMapper mapper = ConfigModule.newMapper();
    private final Problems problems;

    Binder(Problems problems) { this.problems = problems; }

    /**
     * Binds {@code node} (a map, or null for "no options") at absolute {@code path} to {@code type}; returns null
     * if it cannot be bound (the problems are reported). {@code extraKeys} are keys of the block the loader reads
     * itself (e.g. {@code type}): not unknown, but offered as suggestions.
     */
    <C> C bind(String path, JsonNode node, Class<C> type, Set<String> extraKeys) {
        JsonNode tree = node == null || node.isNull() ? mapper.createObjectNode() : node.deepCopy();
        int before = problems.size();
        RecordComponent delegate = delegate(type);
        if (delegate != null) {
            // the whole block is the record's one value (e.g. a map of label -> template)
            if (!check(path, tree, delegate.getGenericType())) return null;
        } else if (type.isRecord()) {
            if (!tree.isObject()) {
                problems.addBroken(path, "expected a map of options (key: value), got " + describe(tree));
                return null;
            }
            checkRecord(path, (ObjectNode) tree, type, extraKeys);
        }
        try {
            return mapper.treeToValue(tree, type);
        } catch (UnrecognizedPropertyException e) {
            // not a record (a class with its own properties): Jackson knows the keys
            Set<String> known = new LinkedHashSet<>();
            if (e.getKnownPropertyIds() != null) e.getKnownPropertyIds().forEach(k -> known.add(String.valueOf(k)));
            known.addAll(extraKeys);
            problems.add(path + relativePath(e), Suggestions.unknownKey(e.getPropertyName(), known));
            return null;
        } catch (Exception e) {
            if (problems.size() == before || !(e instanceof ValueInstantiationException)) report(path, tree, e);
            else problems.markBroken(path);
            return null;
        }
    }

    /** The single component of a record whose constructor is a {@code @JsonCreator(mode = DELEGATING)}, else null. */
    static RecordComponent delegate(Class<?> type) {
        if (!type.isRecord() || type.getRecordComponents().length != 1) return null;
        for (var c : type.getDeclaredConstructors()) {
            com.fasterxml.jackson.annotation.JsonCreator jc = c.getAnnotation(com.fasterxml.jackson.annotation.JsonCreator.class);
            if (jc != null && jc.mode() == com.fasterxml.jackson.annotation.JsonCreator.Mode.DELEGATING && c.getParameterCount() == 1) {
                return type.getRecordComponents()[0];
            }
        }
        return null;
    }

    /** Reports unknown keys and unbindable values in {@code obj}, removing them so the rest can be bound. */
    private void checkRecord(String path, ObjectNode obj, Class<?> type, Set<String> extraKeys) {
        Map<String, RecordComponent> components = components(type);
        Set<String> suggestible = new LinkedHashSet<>(components.keySet());
        suggestible.addAll(extraKeys);
        List<String> remove = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            String childPath = path.isEmpty() ? key : path + "." + key;
            RecordComponent rc = components.get(key);
            if (rc == null) {
                problems.addBroken(childPath, Suggestions.unknownKey(key, suggestible));
                remove.add(key);
                // the key the user probably meant is missing too; "x is required" at it would only repeat this
                Suggestions.nearest(key, suggestible).filter(k -> !obj.has(k))
                        .ifPresent(k -> problems.markBroken(path.isEmpty() ? k : path + "." + k));
            } else if (!check(childPath, field.getValue(), rc.getGenericType())) {
                problems.markBroken(childPath);
                remove.add(key);
            }
        }
        remove.forEach(obj::remove);
    }

    /** Checks one value against its declared type; false if it cannot be bound (after reporting why). */
    private boolean check(String path, JsonNode n, Type t) {
        Class<?> raw = raw(t);
        if (problems.isBroken(path)) return false;
        if (n == null || n.isNull()) return true;
        if (raw == Object.class || JsonNode.class.isAssignableFrom(raw)) return true;
        if (raw == Secret.class) {
            if (n.isValueNode()) {
                problems.secret(n.asText());
                return true;
            }
            problems.add(path, "expected a string");
            return false;
        }
        if (raw.isRecord() && n.isObject() && !SCALAR_RECORDS.contains(raw)) {
            checkRecord(path, (ObjectNode) n, raw, Set.of());
            return true;
        }
        Type element = elementType(t, raw);
        if (element != null) {
            if (!n.isArray()) {
                problems.add(path, "expected a list, got " + describe(n));
                return false;
            }
            boolean ok = true;
            for (int i = 0; i < n.size(); i++) ok &= check(path + "[" + i + "]", n.get(i), element);
            return ok;
        }
        if (Map.class.isAssignableFrom(raw) && t instanceof ParameterizedType pt) {
            if (!n.isObject()) {
                problems.add(path, "expected a map (key: value), got " + describe(n));
                return false;
            }
            boolean ok = true;
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                ok &= check(path + "." + e.getKey(), e.getValue(), pt.getActualTypeArguments()[1]);
            }
            return ok;
        }
        try {
            JavaType javaType = mapper.getTypeFactory().constructType(t);
            mapper.treeToValue(n, javaType);
            return true;
        } catch (Exception e) {
            report(path, n, e);
            return false;
        }
    }

    private static Type elementType(Type t, Class<?> raw) {
        if (t instanceof GenericArrayType g) return g.getGenericComponentType();
        if (raw.isArray()) return raw.getComponentType();
        if (Collection.class.isAssignableFrom(raw)) {
            return t instanceof ParameterizedType pt ? pt.getActualTypeArguments()[0] : Object.class;
        }
        return null;
    }

    private static Class<?> raw(Type t) {
        if (t instanceof Class<?> c) return c;
        if (t instanceof ParameterizedType pt) return raw(pt.getRawType());
        if (t instanceof WildcardType w) return raw(w.getUpperBounds()[0]);
        if (t instanceof GenericArrayType g) return java.lang.reflect.Array.newInstance(raw(g.getGenericComponentType()), 0).getClass();
        if (t instanceof TypeVariable<?> v) return raw(v.getBounds()[0]);
        return Object.class;
    }

    /** The YAML keys of a record's components: snake_case, or the {@link JsonProperty} name. */
    static Map<String, RecordComponent> components(Class<?> type) {
        Map<String, RecordComponent> byKey = new LinkedHashMap<>();
        for (RecordComponent rc : type.getRecordComponents()) {
            JsonProperty renamed = rc.getAccessor().getAnnotation(JsonProperty.class);
            if (renamed == null) renamed = rc.getAnnotation(JsonProperty.class);
            String key = renamed != null && !renamed.value().isEmpty() ? renamed.value() : SNAKE.translate(rc.getName());
            byKey.put(key, rc);
        }
        return byKey;
    }

    /** Turns a Jackson exception into a problem at its key path with a message free of Java names. */
    private void report(String path, JsonNode root, Exception e) {
        String rel = e instanceof JsonMappingException jm ? relativePath(jm) : "";
        JsonNode at = root == null ? null : (rel.isEmpty() ? root : root.at(pointer(rel)));
        problems.addBroken(path + rel, message(e, at));
    }

    private static String relativePath(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getIndex() >= 0) sb.append('[').append(r.getIndex()).append(']');
            else if (r.getFieldName() != null) sb.append('.').append(r.getFieldName());
        }
        return sb.toString();
    }

    private static String pointer(String rel) {
        // ".a[2].b" -> "/a/2/b"
        return rel.replace("~", "~0").replace("/", "~1").replace("[", ".").replace("]", "").replace('.', '/');
    }

    static String message(Exception e, JsonNode at) {
        Throwable cause = e.getCause();
        if (e instanceof IllegalArgumentException && !(e instanceof com.fasterxml.jackson.core.JacksonException)) {
            // treeToValue wraps I/O exceptions; a deserializer's own IllegalArgumentException comes through as is
            if (cause instanceof Exception c && cause instanceof com.fasterxml.jackson.core.JacksonException) return message(c, at);
            return e.getMessage() == null ? "invalid value" : e.getMessage();
        }
        if (e instanceof ValueInstantiationException || (e instanceof DatabindException && !(e instanceof MismatchedInputException)
                && !(e instanceof InvalidDefinitionException))) {
            if (cause instanceof IllegalArgumentException || cause instanceof IllegalStateException
                    || cause instanceof NullPointerException) {
                if (cause.getMessage() != null) return cause.getMessage();
            }
            return "invalid value";
        }
        if (e instanceof com.fasterxml.jackson.core.exc.InputCoercionException) {
            return "number out of range" + (at == null || at.isMissingNode() ? "" : ", got " + describe(at));
        }
        if (e instanceof MismatchedInputException m) {
            Class<?> target = m.getTargetType();
            return target == null ? "invalid value" : expected(target, at);
        }
        if (e instanceof InvalidDefinitionException d) {
            return "this component's config cannot be bound (a bug in its plugin): " + d.getOriginalMessage();
        }
        return "invalid value";
    }

    private static String expected(Class<?> target, JsonNode at) {
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
        if (target == String.class || target == Path.class || target == URI.class || target == Character.class) {
            return "expected a string" + got;
        }
        if (target.isEnum()) {
            String values = Arrays.stream(target.getEnumConstants()).map(String::valueOf).collect(Collectors.joining(", "));
            return (at != null && at.isValueNode() ? describe(at) + " is not one of " : "expected one of ") + values;
        }
        if (target.isArray() || Collection.class.isAssignableFrom(target)) return "expected a list" + got;
        if (Map.class.isAssignableFrom(target) || target.isRecord()) return "expected a map (key: value)" + got;
        return "invalid value" + got;
    }

    private static boolean isNumber(Class<?> c) {
        return c == Integer.class || c == int.class || c == Long.class || c == long.class || c == Short.class
                || c == short.class || c == Byte.class || c == byte.class || c == Double.class || c == double.class
                || c == Float.class || c == float.class || c == BigInteger.class || c == BigDecimal.class;
    }

    /** How a value is shown in a message: {@code "abc"}, {@code 12}, {@code a list}. */
    static String describe(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) return "nothing";
        if (n.isTextual()) return "\"" + n.textValue() + "\"";
        if (n.isArray()) return "a list";
        if (n.isObject()) return "a map";
        return n.asText();
    }
}
