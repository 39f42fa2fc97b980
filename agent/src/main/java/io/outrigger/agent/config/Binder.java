package io.outrigger.agent.config;

import static io.outrigger.core.config.RecordBinder.components;
import static io.outrigger.core.config.RecordBinder.delegate;
import static io.outrigger.core.config.RecordBinder.describe;
import static io.outrigger.core.config.RecordBinder.raw;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.outrigger.core.config.ByteSize;
import io.outrigger.core.config.RecordBinder;
import io.outrigger.core.config.RecordBinder.BindException;
import io.outrigger.core.config.Secret;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Binds a component's YAML block to its config record with {@link RecordBinder} (the rules of
 * {@code ConfigModule.newMapper()}, without building an ObjectMapper), reporting every problem rather than the
 * first: it walks the record's components itself (unknown keys with suggestions, values that do not bind, each at
 * its own key path), leaves the bad values out, then binds what is left.
 */
final class Binder {

    /** Records bound from a scalar ({@code 64MiB}), not from a map of their components. */
    private static final Set<Class<?>> SCALAR_RECORDS = Set.of(ByteSize.class);

    private final Problems problems;

    Binder(Problems problems) { this.problems = problems; }

    /**
     * Binds {@code node} (a map, or null for "no options") at absolute {@code path} to {@code type}; returns null
     * if it cannot be bound (the problems are reported). {@code extraKeys} are keys of the block the loader reads
     * itself (e.g. {@code type}): not unknown, but offered as suggestions.
     */
    <C> C bind(String path, JsonNode node, Class<C> type, Set<String> extraKeys) {
        JsonNode tree = node == null || node.isNull() ? JsonNodeFactory.instance.objectNode() : node.deepCopy();
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
            return RecordBinder.bind(tree, type);
        } catch (BindException e) {
            if (e.kind() == RecordBinder.Kind.UNKNOWN_KEY) {
                Set<String> known = new LinkedHashSet<>(e.knownKeys());
                known.addAll(extraKeys);
                problems.add(path + e.path(), Suggestions.unknownKey(e.key(), known));
            } else if (problems.size() == before || e.kind() != RecordBinder.Kind.INSTANTIATION) {
                problems.addBroken(path + e.path(), e.getMessage());
            } else {
                problems.markBroken(path);
            }
            return null;
        }
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
            RecordBinder.bind(n, t);
            return true;
        } catch (BindException e) {
            problems.addBroken(path + e.path(), e.getMessage());
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
}
