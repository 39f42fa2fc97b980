package io.outrigger.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link RecordBinder} against the Jackson mapper it replaces ({@link ConfigModule#newMapper()}): for a matrix of
 * target types and YAML-shaped values, both accept the same values with equal results, and refuse the same values
 * at the same path with the same message (Jackson's exceptions translated as the agent's config binder did).
 */
class RecordBinderJacksonParityTest {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = ConfigModule.newMapper();

    enum Color { RED, GREEN }

    record Inner(String name, Integer count) {}

    record Outer(String dataDir, Duration maxWait, Inner inner, List<String> paths, Map<String, Inner> byName,
                 ByteSize maxBytes, Secret password, Boolean flag, List<Double> buckets) {}

    record WithDefaults(String mode, Integer size) {
        WithDefaults {
            if (mode == null) mode = "head";
            if (size == null) size = 5;
            if (size < 0) throw new IllegalArgumentException("size must not be negative, got " + size);
            if (size == 13) throw new IllegalStateException();
            if (size == 14) throw new ArithmeticException("unlucky");
        }

        WithDefaults() { this(null, null); }
    }

    record Primitives(int count, boolean on, long big, double ratio) {}

    record Labels(Map<String, String> labels) {
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        Labels {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }
    }

    record Untyped(Map<String, Object> add, JsonNode raw, Set<String> tags, Color color, Path file, URI uri) {}

    record Single(String listen) {}

    static final List<Type> SCALAR_TYPES = List.of(String.class, Integer.class, int.class, Long.class, long.class,
            Short.class, short.class, Byte.class, byte.class, Double.class, double.class, Float.class, BigInteger.class, BigDecimal.class, Boolean.class,
            boolean.class, Path.class, URI.class, Duration.class, ByteSize.class, Object.class, Color.class,
            Character.class, char.class, Inner.class, Single.class, Labels.class);

    static List<JsonNode> scalars() {
        List<JsonNode> nodes = new ArrayList<>();
        for (String s : List.of("12", " 12 ", "+12", "-12", "012", "abc", "", " ", "1.5", "true", "True", "TRUE", "tRUE",
                "yes", "0", "NaN", "Infinity", "1e3", "RED", "red", "null", "Null", "3000000000", "5s", "500ms", "1m30s",
                "7x", "1MiB", "64 KiB", "2GB", "-1", "/var/log/a.log", "file:///tmp/x", "a b", "x")) {
            nodes.add(F.textNode(s));
        }
        nodes.add(F.numberNode(12));
        nodes.add(F.numberNode(0));
        nodes.add(F.numberNode(-5));
        nodes.add(F.numberNode(1));
        nodes.add(F.numberNode(70_000));
        nodes.add(F.numberNode(300));
        nodes.add(F.numberNode(255));
        nodes.add(F.numberNode(-129));
        nodes.add(F.textNode("300"));
        nodes.add(F.textNode("70000"));
        nodes.add(F.numberNode(3_000_000_000L));
        nodes.add(F.numberNode(new BigInteger("100000000000000000000")));
        nodes.add(F.numberNode(1.5));
        nodes.add(F.numberNode(-2.7));
        nodes.add(F.numberNode(1e20));
        nodes.add(F.numberNode(0.0));
        nodes.add(F.numberNode(2.0));
        nodes.add(F.booleanNode(true));
        nodes.add(F.booleanNode(false));
        nodes.add(F.nullNode());
        nodes.add(F.arrayNode().add(1));
        nodes.add(F.arrayNode());
        nodes.add(F.objectNode().put("a", 1));
        nodes.add(F.objectNode().put("name", "n").put("count", 3));
        nodes.add(F.objectNode());
        return nodes;
    }

    @Test
    void scalarsBindAsJacksonBindsThem() {
        List<String> differences = new ArrayList<>();
        for (Type t : SCALAR_TYPES) {
            for (JsonNode n : scalars()) compare(n, t, differences);
        }
        assertEquals("", String.join("\n", differences));
    }

    @Test
    void recordsCollectionsAndMapsBindAsJacksonBindsThem() throws Exception {
        List<String> differences = new ArrayList<>();
        for (String json : List.of(
                "{}",
                "{\"data_dir\":\"/x\",\"max_wait\":\"5s\",\"inner\":{\"name\":\"n\",\"count\":3},\"paths\":[\"a\",null,\"b\"],"
                        + "\"by_name\":{\"a\":{\"name\":\"x\"},\"b\":null},\"max_bytes\":\"1MiB\",\"password\":\"hunter22\","
                        + "\"flag\":\"true\",\"buckets\":[1,2.5,\"3\"]}",
                "{\"inner\":{\"name\":\"n\",\"count\":\"x\"}}",
                "{\"inner\":{\"nmae\":\"n\"}}",
                "{\"paths\":[\"a\",[1]]}",
                "{\"paths\":\"a\"}",
                "{\"by_name\":{\"a\":{\"count\":1.5}, \"b\":{\"count\":true}}}",
                "{\"by_name\":[1]}",
                "{\"max_wait\":5}",
                "{\"max_wait\":0}",
                "{\"max_bytes\":-1}",
                "{\"buckets\":[1,\"x\"]}",
                "{\"inner\":\"abc\"}",
                "{\"inner\":[]}",
                "{\"unknown\":1}",
                "{\"flag\":1}",
                "{\"flag\":\"yes\"}")) {
            compare(MAPPER.readTree(json), Outer.class, differences);
        }
        for (String json : List.of("{}", "{\"mode\":\"tail\"}", "{\"size\":-1}", "{\"size\":13}", "{\"size\":14}",
                "{\"size\":\"7\"}", "{\"mode\":5}")) {
            compare(MAPPER.readTree(json), WithDefaults.class, differences);
        }
        for (String json : List.of("{}", "{\"count\":null}", "{\"on\":null}", "{\"count\":3,\"on\":true,\"big\":5,\"ratio\":0.5}",
                "{\"count\":\"\"}", "{\"on\":true}", "{\"count\":1,\"on\":true,\"big\":2}")) {
            compare(MAPPER.readTree(json), Primitives.class, differences);
        }
        for (String json : List.of("{}", "{\"app\":\"{{app}}\",\"n\":5}", "{\"a\":[1]}", "[1]", "\"x\"")) {
            compare(MAPPER.readTree(json), Labels.class, differences);
        }
        for (String json : List.of("{}", "{\"add\":{\"a\":1,\"b\":[1,\"x\",{\"c\":3000000000}],\"d\":1.5,\"e\":null,\"f\":true}}",
                "{\"raw\":{\"a\":[1,2]}}", "{\"raw\":null}", "{\"raw\":5}", "{\"tags\":[\"a\",\"b\",\"a\"]}",
                "{\"color\":\"GREEN\"}", "{\"color\":\"green\"}", "{\"color\":1}", "{\"file\":\"/a/b\"}",
                "{\"file\":\"/a:b\"}", "{\"uri\":\"http://x:9200/y\"}")) {
            compare(MAPPER.readTree(json), Untyped.class, differences);
        }
        assertEquals("", String.join("\n", differences));
    }

    private static void compare(JsonNode n, Type t, List<String> differences) {
        String jackson = outcome(() -> MAPPER.treeToValue(n, MAPPER.getTypeFactory().constructType(t)), n);
        String ours = outcome(() -> RecordBinder.bind(n, t), n);
        if (!jackson.equals(ours)) {
            differences.add(t.getTypeName() + " <- " + n + ":\n    jackson: " + jackson + "\n    binder:  " + ours);
        }
    }

    interface Binding {
        Object bind() throws Exception;
    }

    private static String outcome(Binding b, JsonNode root) {
        try {
            return "ok " + show(b.bind());
        } catch (RecordBinder.BindException e) {
            return "error at '" + e.path() + "': " + (e.kind() == RecordBinder.Kind.UNKNOWN_KEY ? "unknown " + e.key() : e.getMessage());
        } catch (UnrecognizedPropertyException e) {
            return "error at '" + relativePath(e) + "': unknown " + e.getPropertyName();
        } catch (Exception e) {
            String rel = e instanceof JsonMappingException jm ? relativePath(jm) : "";
            JsonNode at = rel.isEmpty() ? root : root.at(rel.replace("[", ".").replace("]", "").replace('.', '/'));
            return "error at '" + rel + "': " + message(e, at);
        }
    }

    private static String show(Object v) {
        if (v == null) return "null";
        if (v instanceof Secret s) return "Secret(" + s.reveal() + ")";
        if (v instanceof Set<?> set) return "Set" + new java.util.TreeSet<>(set.stream().map(String::valueOf).toList());
        if (v instanceof Record r) {
            StringBuilder sb = new StringBuilder(v.getClass().getSimpleName()).append('[');
            for (var rc : r.getClass().getRecordComponents()) {
                try {
                    sb.append(rc.getName()).append('=').append(show(rc.getAccessor().invoke(r))).append(", ");
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }
            return sb.append(']').toString();
        }
        if (v instanceof List<?> l) return l.stream().map(RecordBinderJacksonParityTest::show).toList().toString();
        if (v instanceof Map<?, ?> m) {
            Map<Object, String> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k, show(x)));
            return m.getClass().getSimpleName() + out;
        }
        return v.getClass().getSimpleName() + ":" + Objects.toString(v);
    }

    // ---- how the agent's config binder turned Jackson's exceptions into messages (before RecordBinder) ----

    private static String relativePath(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getIndex() >= 0) sb.append('[').append(r.getIndex()).append(']');
            else if (r.getFieldName() != null) sb.append('.').append(r.getFieldName());
        }
        return sb.toString();
    }

    static String message(Exception e, JsonNode at) {
        Throwable cause = e.getCause();
        if (e instanceof IllegalArgumentException && !(e instanceof com.fasterxml.jackson.core.JacksonException)) {
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
            return "number out of range" + (at == null || at.isMissingNode() ? "" : ", got " + RecordBinder.describe(at));
        }
        if (e instanceof MismatchedInputException m) {
            Class<?> target = m.getTargetType();
            return target == null ? "invalid value" : RecordBinder.expected(target, at);
        }
        if (e instanceof InvalidDefinitionException d) {
            return "this component's config cannot be bound (a bug in its plugin): " + d.getOriginalMessage();
        }
        return "invalid value";
    }
}
