package io.outrigger.agent.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.AnnotationIntrospector;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonMappingException.Reference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.introspect.AnnotatedConstructor;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBufferReadContext;
import io.outrigger.core.config.ByteSize;
import io.outrigger.core.config.ConfigModule;
import io.outrigger.core.config.Secret;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Binds a component's YAML block to its config record with Jackson (the mapper of {@link ConfigModule#newMapper()}),
 * reporting every problem rather than Jackson's first.
 *
 * <p>A first pass binds with a {@link DeserializationProblemHandler} that reports each unknown key (with the nearest
 * known key) and each value that does not bind, at its own key path, and has Jackson go on without it. When that
 * pass found anything, or the YAML reader already reported a value of the block (a variable that is not set), the
 * block is bound again without those values: each unknown key is taken out, and so is the record component (found
 * with Jackson's own introspection of the config type) that holds each bad value, marked broken so that a
 * "required" at it does not repeat the problem. The rest of the block still binds, and the factory's
 * {@code validate()} still checks it.
 */
final class Binder {

    private final ObjectReader reader;
    private final Problems problems;

    /** Binds with {@code mapper}; every value bound to a {@link Secret} is masked in {@code problems}' messages. */
    Binder(ObjectMapper mapper, Problems problems) {
        this.problems = problems;
        Consumer<String> secrets = problems::secret;
        this.reader = mapper.reader().withAttribute(ConfigModule.SECRETS, secrets);
    }

    /**
     * Binds {@code node} (a map, or null for "no options") at absolute {@code path} to {@code type}; returns null
     * if it cannot be bound (the problems are reported). {@code extraKeys} are keys of the block the loader reads
     * itself (e.g. {@code type}): not unknown, but offered as suggestions.
     */
    <C> C bind(String path, JsonNode node, Class<C> type, Set<String> extraKeys) {
        JsonNode tree = node == null || node.isNull() ? JsonNodeFactory.instance.objectNode() : node.deepCopy();
        ObjectReader typed = reader.forType(type);
        boolean found = unknownKeys(path, typed.getValueType(), tree, new ArrayList<>(), extraKeys);
        Reporter reporter = new Reporter(path, tree, type, extraKeys);
        C value = null;
        Exception failure = null;
        Set<String> escaped = new HashSet<>();
        while (true) {
            try {
                value = typed.withHandler(reporter).readValue(tree);
                failure = null;
                break;
            } catch (ValueInstantiationException e) {
                failure = e;
                break;
            } catch (IOException | RuntimeException e) {
                // one the handler is not asked about (a number out of range, a config class that cannot be bound):
                // reported, then bound again with a null there to find the problems after it
                failure = e;
                report(path, tree, e, extraKeys);
                List<Object> steps = e instanceof JsonMappingException m ? steps(m.getPath()) : List.of();
                if (!escaped.add(render(steps, steps.size())) || !nullOut(tree, steps)) break;
            }
        }
        found |= reporter.found || !escaped.isEmpty();
        for (List<Object> key : reporter.unknownKeys) {
            if (at(tree, key, key.size() - 1) instanceof ObjectNode holder) holder.remove((String) key.getLast());
        }
        List<List<Object>> bad = new ArrayList<>();
        reported(tree, path, new ArrayList<>(), bad);
        if (failure == null && !found && bad.isEmpty()) return value;
        if (failure instanceof ValueInstantiationException e && !found && bad.isEmpty()) {
            // a record's constructor refused the values it was given (else that may follow from the problems found)
            List<Object> steps = steps(e.getPath());
            problems.addBroken(join(path, render(steps, steps.size())), message(e, null));
            bad.add(steps);
        }
        for (List<Object> steps : bad) {
            if (takeOut(path, tree, typed.getValueType(), steps) == Outcome.NONE) {
                problems.markBroken(path);
                return null;
            }
        }
        return withoutBadValues(path, tree, typed, extraKeys);
    }

    /**
     * Reports each key of a record's map in {@code n} that the record has no component for, with the nearest known
     * key, and takes it out; true if there was any. Records are checked here, before binding, because Jackson
     * reports a record's unknown keys only after its constructor has run.
     */
    private boolean unknownKeys(String path, JavaType t, JsonNode n, List<Object> steps, Set<String> extraKeys) {
        boolean found = false;
        if (n.isArray() && (t.isArrayType() || t.isCollectionLikeType())) {
            for (int i = 0; i < n.size(); i++) {
                steps.add(i);
                found |= unknownKeys(path, t.getContentType(), n.get(i), steps, Set.of());
                steps.removeLast();
            }
        } else if (n.isObject() && t.isMapLikeType()) {
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                steps.add(e.getKey());
                found |= unknownKeys(path, t.getContentType(), e.getValue(), steps, Set.of());
                steps.removeLast();
            }
        } else if (n instanceof ObjectNode obj && components(t) instanceof Map<String, JavaType> components) {
            String holder = join(path, render(steps, steps.size()));
            Set<String> suggestible = new LinkedHashSet<>(components.keySet());
            suggestible.addAll(extraKeys);
            List<String> unknown = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : obj.properties()) {
                String key = e.getKey();
                JavaType component = components.get(key);
                if (component == null) {
                    problems.addBroken(join(holder, "." + key), Suggestions.unknownKey(key, suggestible));
                    unknown.add(key);
                    // the key the user probably meant is missing too; "x is required" at it would only repeat this
                    Suggestions.nearest(key, suggestible).filter(k -> !obj.has(k))
                            .ifPresent(k -> problems.markBroken(join(holder, "." + k)));
                } else {
                    steps.add(key);
                    found |= unknownKeys(path, component, e.getValue(), steps, Set.of());
                    steps.removeLast();
                }
            }
            unknown.forEach(obj::remove);
            found |= !unknown.isEmpty();
        }
        return found;
    }

    /**
     * A record's keys and their types, as Jackson's introspection sees them (snake_case or {@code @JsonProperty}
     * names); null for anything else, and for a record bound from a scalar or whose constructor is a
     * {@code @JsonCreator(mode = DELEGATING)} (the whole value is its one component).
     */
    private Map<String, JavaType> components(JavaType t) {
        if (!t.isRecordType() || t.getRawClass() == ByteSize.class) return null;
        DeserializationConfig config = reader.getConfig();
        BeanDescription description = config.introspect(t);
        AnnotationIntrospector annotations = config.getAnnotationIntrospector();
        for (AnnotatedConstructor c : description.getConstructors()) {
            if (annotations.findCreatorAnnotation(config, c) == JsonCreator.Mode.DELEGATING) return null;
        }
        Map<String, JavaType> components = new LinkedHashMap<>();
        for (BeanPropertyDefinition p : description.findProperties()) {
            if (p.couldDeserialize()) components.put(p.getName(), p.getPrimaryType()); // not an isX()-only "property"
        }
        return components;
    }

    /** Adds the steps to each value of {@code n} that was reported (its path is broken), by the handler or the YAML reader. */
    private void reported(JsonNode n, String path, List<Object> steps, List<List<Object>> out) {
        if (problems.isBroken(join(path, render(steps, steps.size())))) {
            out.add(List.copyOf(steps));
            return;
        }
        if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                steps.add(i);
                reported(n.get(i), path, steps, out);
                steps.removeLast();
            }
        } else if (n.isObject()) {
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                steps.add(e.getKey());
                reported(e.getValue(), path, steps, out);
                steps.removeLast();
            }
        }
    }

    /** Binds {@code tree} taking out, one at a time, the unknown keys and record components Jackson still fails on. */
    private <C> C withoutBadValues(String path, JsonNode tree, ObjectReader typed, Set<String> extraKeys) {
        for (int tries = 0; tries < 1000; tries++) {
            List<Object> steps;
            try {
                return typed.readValue(tree);
            } catch (JsonMappingException e) {
                steps = steps(e.getPath());
                if (!(e instanceof ValueInstantiationException)) report(path, tree, e, extraKeys);
                if (e instanceof UnrecognizedPropertyException && !steps.isEmpty()
                        && at(tree, steps, steps.size() - 1) instanceof ObjectNode holder
                        && holder.remove((String) steps.getLast()) != null) {
                    continue;
                }
            } catch (IOException | RuntimeException e) {
                problems.markBroken(path);
                return null;
            }
            if (takeOut(path, tree, typed.getValueType(), steps) != Outcome.REMOVED) {
                // the block itself: a record whose constructor refused it, or the one value of a delegating record
                problems.markBroken(path);
                return null;
            }
        }
        return null;
    }

    /** Replaces the value at {@code steps} with null; false if there is none, or it is null already. */
    private static boolean nullOut(JsonNode tree, List<Object> steps) {
        if (steps.isEmpty()) return false;
        JsonNode holder = at(tree, steps, steps.size() - 1);
        Object last = steps.getLast();
        JsonNode current = at(tree, steps, steps.size());
        if (current == null || current.isNull()) return false;
        if (holder instanceof ArrayNode a && last instanceof Integer i) a.set(i, NullNode.getInstance());
        else if (holder instanceof ObjectNode o && last instanceof String key) o.set(key, NullNode.getInstance());
        else return false;
        return true;
    }

    private enum Outcome { REMOVED, ABSENT, NONE }

    /**
     * Takes the record component that holds the value at {@code steps} out of {@code tree} and marks it broken:
     * the last key on the way that Jackson's introspection of {@code type} knows as a property (not a map key
     * or list index). {@link Outcome#NONE} if there is no such key (the value is the block's own).
     */
    private Outcome takeOut(String path, JsonNode tree, JavaType type, List<Object> steps) {
        DeserializationConfig config = reader.getConfig();
        JavaType t = type;
        int depth = 0;
        for (int i = 0; i < steps.size() && t != null; i++) {
            Object step = steps.get(i);
            if (t.isArrayType() || t.isCollectionLikeType() || t.isMapLikeType()) {
                t = t.getContentType();
            } else if (step instanceof String key && !t.isPrimitive() && !t.isJavaLangObject()) {
                BeanPropertyDefinition property = null;
                for (BeanPropertyDefinition p : config.introspect(t).findProperties()) {
                    if (p.getName().equals(key) && p.couldDeserialize()) property = p;
                }
                if (property == null) break;
                depth = i + 1;
                t = property.getPrimaryType();
            } else {
                break;
            }
        }
        if (depth == 0) return Outcome.NONE;
        problems.markBroken(join(path, render(steps, depth)));
        if (!(at(tree, steps, depth - 1) instanceof ObjectNode holder)) return Outcome.ABSENT;
        return holder.remove((String) steps.get(depth - 1)) == null ? Outcome.ABSENT : Outcome.REMOVED;
    }

    /** Reports an exception Jackson threw at its key path, with a message free of Java names. */
    private void report(String path, JsonNode tree, Exception e, Set<String> extraKeys) {
        List<Reference> refs = e instanceof JsonMappingException m ? m.getPath() : List.of();
        List<Object> steps = steps(refs);
        String at = join(path, render(steps, steps.size()));
        if (e instanceof UnrecognizedPropertyException u) {
            Set<String> known = new LinkedHashSet<>();
            if (u.getKnownPropertyIds() != null) u.getKnownPropertyIds().forEach(k -> known.add(String.valueOf(k)));
            if (refs.size() == 1) known.addAll(extraKeys);
            problems.addBroken(at, Suggestions.unknownKey(u.getPropertyName(), known));
        } else {
            problems.addBroken(at, message(e, at(tree, steps, steps.size())));
        }
    }

    private static String message(Exception e, JsonNode value) {
        String got = value == null || value.isMissingNode() ? "" : ", got " + describe(value);
        if (e instanceof ValueInstantiationException) {
            Throwable cause = e.getCause();
            if ((cause instanceof IllegalArgumentException || cause instanceof IllegalStateException
                    || cause instanceof NullPointerException) && cause.getMessage() != null) {
                return cause.getMessage();
            }
            return "invalid value";
        }
        if (e instanceof InputCoercionException || e.getCause() instanceof InputCoercionException) {
            return "number out of range" + got;
        }
        if (e instanceof InvalidDefinitionException d) {
            return "this component's config cannot be bound (a bug in its plugin): " + d.getOriginalMessage();
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) return expected(m.getTargetType(), got);
        return "invalid value" + got;
    }

    /** What was expected where a value described by {@code got} ({@code ", got 12"} or "") was found. */
    private static String expected(Class<?> target, String got) {
        if (target == Duration.class) return "expected a duration such as 30s" + got;
        if (target == ByteSize.class) return "expected a size such as 1MiB" + got;
        if (target == Secret.class) return "expected a string";
        if (isNumber(target)) return "expected a number" + got;
        if (target == Boolean.class || target == boolean.class) return "expected true or false" + got;
        if (target == String.class || target == Path.class || target == URI.class || target == Character.class
                || target == char.class) {
            return "expected a string" + got;
        }
        if (target.isEnum()) {
            String values = Arrays.stream(target.getEnumConstants()).map(String::valueOf).collect(Collectors.joining(", "));
            return got.startsWith(", got ") && !got.equals(", got a list") && !got.equals(", got a map")
                    ? got.substring(", got ".length()) + " is not one of " + values : "expected one of " + values;
        }
        if (target.isArray() || Collection.class.isAssignableFrom(target)) return "expected a list" + got;
        if (Map.class.isAssignableFrom(target)) return "expected a map (key: value)" + got;
        if (target.isPrimitive() || target.getName().startsWith("java.")) return "invalid value" + got;
        return "expected a map (key: value)" + got;
    }

    private static boolean isNumber(Class<?> c) {
        return c == Integer.class || c == int.class || c == Long.class || c == long.class || c == Short.class
                || c == short.class || c == Byte.class || c == byte.class || c == Double.class || c == double.class
                || c == Float.class || c == float.class || c == BigInteger.class || c == BigDecimal.class;
    }

    /** How a value is shown in a message: {@code "abc"}, {@code 12}, {@code a list}. */
    private static String describe(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) return "nothing";
        if (n.isTextual()) return "\"" + n.textValue() + "\"";
        if (n.isArray()) return "a list";
        if (n.isObject()) return "a map";
        return n.asText();
    }

    /** The value at the parser's current token, shown as {@link #describe(JsonNode)} does. */
    private static String describe(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null || t == JsonToken.VALUE_NULL) return "nothing";
        return switch (t) {
            case START_ARRAY -> "a list";
            case START_OBJECT, FIELD_NAME -> "a map";
            case VALUE_STRING -> "\"" + p.getText() + "\"";
            default -> p.getText();
        };
    }

    // ---- paths ----

    /** The keys and indexes of the references Jackson collected on its way to a problem. */
    private static List<Object> steps(List<Reference> refs) {
        List<Object> steps = new ArrayList<>(refs.size());
        for (Reference r : refs) {
            if (r.getFieldName() != null) steps.add(r.getFieldName());
            else if (r.getIndex() >= 0) steps.add(r.getIndex());
        }
        return steps;
    }

    /** The keys and indexes from the root to the parser's current value. */
    private static List<Object> steps(JsonStreamContext context) {
        Deque<Object> steps = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null; c = c.getParent()) {
            // a bean's unknown keys are read back from a buffer, whose context holds only that key
            if (c instanceof TokenBufferReadContext) continue;
            if (c.inArray() && c.hasCurrentIndex()) steps.addFirst(c.getCurrentIndex());
            else if (c.inObject() && c.getCurrentName() != null) steps.addFirst(c.getCurrentName());
        }
        return new ArrayList<>(steps);
    }

    private static String render(List<Object> steps, int count) {
        StringBuilder sb = new StringBuilder();
        for (Object s : steps.subList(0, count)) {
            if (s instanceof Integer i) sb.append('[').append(i).append(']');
            else sb.append('.').append(s);
        }
        return sb.toString();
    }

    private static JsonNode at(JsonNode tree, List<Object> steps, int count) {
        JsonNode n = tree;
        for (Object s : steps.subList(0, count)) {
            if (n == null) return null;
            n = s instanceof Integer i ? n.get(i) : n.get((String) s);
        }
        return n;
    }

    /** {@code inputs.app} and {@code .paths[1]}: {@code inputs.app.paths[1]}. */
    private static String join(String path, String relative) {
        return path.isEmpty() && relative.startsWith(".") ? relative.substring(1) : path + relative;
    }

    /**
     * Reports each problem Jackson meets while binding one block, at the key path of the value, and has Jackson go
     * on without the value (null, or the unknown key skipped).
     */
    private final class Reporter extends DeserializationProblemHandler {
        private final String path;
        private final JsonNode tree;
        private final Class<?> type;
        private final Set<String> extraKeys;
        final List<List<Object>> unknownKeys = new ArrayList<>();
        boolean found;

        Reporter(String path, JsonNode tree, Class<?> type, Set<String> extraKeys) {
            this.path = path;
            this.tree = tree;
            this.type = type;
            this.extraKeys = extraKeys;
        }

        @Override
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
                                             Object beanOrClass, String propertyName) throws IOException {
            List<Object> steps = steps(p.getParsingContext());
            if (steps.isEmpty() || !propertyName.equals(steps.getLast())) steps.add(propertyName);
            Set<String> known = new LinkedHashSet<>();
            Collection<Object> names = deserializer.getKnownPropertyNames();
            if (names != null) names.forEach(k -> known.add(String.valueOf(k)));
            if (steps.size() == 1) known.addAll(extraKeys);
            problems.addBroken(join(path, render(steps, steps.size())), Suggestions.unknownKey(propertyName, known));
            // the key the user probably meant is missing too; "x is required" at it would only repeat this
            JsonNode holder = at(tree, steps, steps.size() - 1);
            String holderPath = join(path, render(steps, steps.size() - 1));
            Suggestions.nearest(propertyName, known).filter(k -> holder == null || !holder.has(k))
                    .ifPresent(k -> problems.markBroken(join(holderPath, "." + k)));
            unknownKeys.add(steps);
            found = true;
            p.skipChildren();
            return true;
        }

        @Override
        public Object handleWeirdStringValue(DeserializationContext ctxt, Class<?> targetType, String value,
                                             String failureMsg) throws IOException {
            return skip(ctxt.getParser(), ours(targetType) ? failureMsg : expected(targetType, ", got \"" + value + "\""));
        }

        @Override
        public Object handleWeirdNumberValue(DeserializationContext ctxt, Class<?> targetType, Number value,
                                             String failureMsg) throws IOException {
            return skip(ctxt.getParser(), ours(targetType) ? failureMsg : expected(targetType, ", got " + value));
        }

        @Override
        public Object handleUnexpectedToken(DeserializationContext ctxt, JavaType targetType, JsonToken t, JsonParser p,
                                            String failureMsg) throws IOException {
            return skip(p, expectedHere(p, targetType.getRawClass()));
        }

        @Override
        public Object handleMissingInstantiator(DeserializationContext ctxt, Class<?> instClass,
                                                ValueInstantiator valueInsta, JsonParser p, String msg) throws IOException {
            // a record or map given a scalar
            return skip(p, expectedHere(p, instClass));
        }

        private String expectedHere(JsonParser p, Class<?> target) throws IOException {
            String got = ", got " + describe(p);
            if (target == type && steps(p.getParsingContext()).isEmpty()) return "expected a map of options (key: value)" + got;
            return expected(target, got);
        }

        /** Reports {@code message} at the current value, skips the value, and has Jackson go on without it. */
        private Object skip(JsonParser p, String message) throws IOException {
            List<Object> steps = steps(p.getParsingContext());
            problems.addBroken(join(path, render(steps, steps.size())), message);
            found = true;
            p.skipChildren();
            return null;
        }

        /** Types whose deserializers in {@link ConfigModule} say themselves what is wrong. */
        private static boolean ours(Class<?> c) { return c == Duration.class || c == ByteSize.class; }
    }
}
