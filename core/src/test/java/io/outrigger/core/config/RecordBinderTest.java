package io.outrigger.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.outrigger.core.config.RecordBinder.BindException;
import io.outrigger.core.config.RecordBinder.Kind;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecordBinderTest {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    enum Mode { HEAD, TAIL }

    record Tls(Path caFile, Boolean insecureSkipVerify) {
        Tls {
            if (insecureSkipVerify == null) insecureSkipVerify = false;
        }
    }

    record Auth(String username, Secret password) {}

    record Metric(String type, List<Double> buckets) {
        Metric {
            buckets = buckets == null ? List.of() : List.copyOf(buckets);
            if ("histogram".equals(type) && buckets.isEmpty()) throw new IllegalArgumentException("a histogram needs buckets");
        }
    }

    record Everything(String url, Integer maxOpenFiles, Long count, Double jitter, Boolean fsync, int workers,
                      Duration timeout, ByteSize maxBytes, Secret token, Path dataDir, URI endpoint, Mode mode,
                      List<String> paths, Set<String> tags, Map<String, String> labels, Map<String, Object> add,
                      JsonNode raw, Object anything, Tls tls, Auth auth, Map<String, Metric> metrics,
                      @JsonProperty("x-custom") String custom) {
        Everything {
            if (url == null) url = "http://localhost:3100";
            if (maxOpenFiles == null) maxOpenFiles = 256;
            if (timeout == null) timeout = Duration.ofSeconds(10);
            if (maxBytes == null) maxBytes = ByteSize.ofKiB(256);
            if (mode == null) mode = Mode.HEAD;
            paths = paths == null ? List.of() : List.copyOf(paths);
            if (tls == null) tls = new Tls(null, null);
        }
    }

    record Labels(Map<String, String> labels) {
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        Labels {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }
    }

    /** A plain class with public fields, bound as Jackson binds a bean. */
    public static final class Bean {
        public String name;
        public Integer size;
        private String viaSetter;

        public void setViaSetter(String v) { viaSetter = "set:" + v; }
    }

    record HasBean(Bean bean) {}

    record Unsupported(Runnable task) {}

    private static JsonNode json(String text) {
        try (JsonParser p = new JsonFactory().createParser(text)) {
            p.nextToken();
            return read(p);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A tree as the agent's YAML reader builds it (JsonNodeFactory, no ObjectMapper). */
    private static JsonNode read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                ObjectNode o = F.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String k = p.currentName();
                    p.nextToken();
                    o.set(k, read(p));
                }
                return o;
            }
            case START_ARRAY -> {
                ArrayNode a = F.arrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) a.add(read(p));
                return a;
            }
            case VALUE_STRING -> { return F.textNode(p.getText()); }
            case VALUE_NUMBER_INT -> {
                return switch (p.getNumberType()) {
                    case INT -> F.numberNode(p.getIntValue());
                    case LONG -> F.numberNode(p.getLongValue());
                    default -> F.numberNode(p.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> { return F.numberNode(p.getDoubleValue()); }
            case VALUE_TRUE, VALUE_FALSE -> { return F.booleanNode(t == JsonToken.VALUE_TRUE); }
            default -> { return F.nullNode(); }
        }
    }

    private static BindException fails(String text, Class<?> type) {
        return assertThrows(BindException.class, () -> RecordBinder.bind(json(text), type));
    }

    @Test
    void bindsEveryConfigValueType() {
        Everything e = RecordBinder.bind(json("""
                {"url": "http://loki:3100", "max_open_files": 12, "count": 3000000000, "jitter": 0.2, "fsync": true,
                 "workers": 4, "timeout": "1m30s", "max_bytes": "1MiB", "token": "s3cr3t-token", "data_dir": "/var/lib/x",
                 "endpoint": "http://es:9200/x", "mode": "TAIL", "paths": ["/a/*.log", "/b.log"], "tags": ["a", "b", "a"],
                 "labels": {"app": "checkout", "app.kubernetes.io/name": "x"},
                 "add": {"n": 1, "big": 3000000000, "huge": 100000000000000000000, "f": 1.5, "b": false, "l": [1, "x"], "m": {"k": null}},
                 "raw": {"a": [1, 2]}, "anything": "text", "tls": {"ca_file": "/etc/ca.pem"},
                 "auth": {"username": "u", "password": "p4ss"},
                 "metrics": {"lat": {"type": "histogram", "buckets": [0.1, 1, "10"]}},
                 "x-custom": "renamed"}
                """), Everything.class);
        assertEquals("http://loki:3100", e.url());
        assertEquals(12, e.maxOpenFiles());
        assertEquals(3_000_000_000L, e.count());
        assertEquals(0.2, e.jitter());
        assertTrue(e.fsync());
        assertEquals(4, e.workers());
        assertEquals(Duration.ofSeconds(90), e.timeout());
        assertEquals(ByteSize.ofMiB(1), e.maxBytes());
        assertEquals("s3cr3t-token", e.token().reveal());
        assertEquals(Path.of("/var/lib/x"), e.dataDir());
        assertEquals(URI.create("http://es:9200/x"), e.endpoint());
        assertEquals(Mode.TAIL, e.mode());
        assertEquals(List.of("/a/*.log", "/b.log"), e.paths());
        assertEquals(Set.of("a", "b"), e.tags());
        assertEquals(List.of("app", "app.kubernetes.io/name"), new ArrayList<>(e.labels().keySet()), "order kept");
        Map<String, Object> add = new LinkedHashMap<>();
        add.put("n", 1);
        add.put("big", 3_000_000_000L);
        add.put("huge", new BigInteger("100000000000000000000"));
        add.put("f", 1.5);
        add.put("b", false);
        add.put("l", List.of(1, "x"));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("k", null);
        add.put("m", m);
        assertEquals(add, e.add());
        assertInstanceOf(Integer.class, e.add().get("n"));
        assertEquals(json("{\"a\": [1, 2]}"), e.raw());
        assertEquals("text", e.anything());
        assertEquals(new Tls(Path.of("/etc/ca.pem"), false), e.tls(), "nested record's compact constructor ran");
        assertEquals("p4ss", e.auth().password().reveal());
        assertEquals(List.of(0.1, 1.0, 10.0), e.metrics().get("lat").buckets());
        assertEquals("renamed", e.custom());
    }

    @Test
    void compactConstructorsFillDefaultsForMissingAndNullValues() {
        Everything empty = RecordBinder.bind(json("{\"workers\": 1}"), Everything.class);
        assertEquals("http://localhost:3100", empty.url());
        assertEquals(256, empty.maxOpenFiles());
        assertEquals(Duration.ofSeconds(10), empty.timeout());
        assertEquals(ByteSize.ofKiB(256), empty.maxBytes());
        assertEquals(Mode.HEAD, empty.mode());
        assertEquals(List.of(), empty.paths());
        assertEquals(new Tls(null, false), empty.tls());
        assertNull(empty.token());
        assertNull(empty.raw());

        Everything nulls = RecordBinder.bind(json("{\"workers\": 1, \"url\": null, \"paths\": null, \"raw\": null, \"tls\": null}"),
                Everything.class);
        assertEquals("http://localhost:3100", nulls.url());
        assertEquals(List.of(), nulls.paths());
        assertEquals(NullNode.getInstance(), nulls.raw(), "as Jackson: an explicit null JsonNode is NullNode");
        assertNull(RecordBinder.bind(F.nullNode(), Tls.class));
        assertNull(RecordBinder.bind(null, Tls.class));
    }

    @Test
    void scalarsAreCoercedAsJacksonDoes() {
        Everything e = RecordBinder.bind(json("""
                {"url": 12, "max_open_files": "34", "count": " 5 ", "jitter": "0.5", "fsync": "True", "workers": 2.9,
                 "timeout": 0, "max_bytes": 2048, "token": 1234, "mode": 1, "labels": {"n": 1.5, "b": true}}
                """), Everything.class);
        assertEquals("12", e.url());
        assertEquals(34, e.maxOpenFiles());
        assertEquals(5L, e.count());
        assertEquals(0.5, e.jitter());
        assertTrue(e.fsync());
        assertEquals(2, e.workers(), "a float is truncated to an int");
        assertEquals(Duration.ZERO, e.timeout(), "0 needs no unit");
        assertEquals(ByteSize.ofBytes(2048), e.maxBytes());
        assertEquals("1234", e.token().reveal());
        assertEquals(Mode.TAIL, e.mode(), "an enum by index");
        assertEquals(Map.of("n", "1.5", "b", "true"), e.labels());
        Everything f = RecordBinder.bind(json("{\"workers\": 1, \"fsync\": 0, \"max_open_files\": \"\", \"jitter\": \"null\"}"),
                Everything.class);
        assertFalse(f.fsync(), "0 is false");
        assertEquals(256, f.maxOpenFiles(), "\"\" is not set");
        assertNull(f.jitter(), "\"null\" is not set");
    }

    @Test
    void unknownKeysAreRefusedWithTheKnownKeys() {
        BindException e = fails("{\"type\": \"counter\", \"bucket\": [1]}", Metric.class);
        assertEquals(Kind.UNKNOWN_KEY, e.kind());
        assertEquals(".bucket", e.path());
        assertEquals("bucket", e.key());
        assertEquals(List.of("type", "buckets"), List.copyOf(e.knownKeys()));
        assertEquals("unknown key \"name\" (known keys: buckets, type)", fails("{\"name\": 1}", Metric.class).getMessage());
        assertEquals(".tls.ca_fiel", fails("{\"workers\": 1, \"tls\": {\"ca_fiel\": \"/x\"}}", Everything.class).path());
    }

    @Test
    void typeErrorsSayWhatWasExpectedAndWhere() {
        assertError(".max_open_files", "expected a number, got \"many\"", "{\"max_open_files\": \"many\"}");
        assertError(".max_open_files", "number out of range, got 3000000000", "{\"max_open_files\": 3000000000}");
        assertError(".count", "expected a number, got true", "{\"count\": true}");
        assertError(".fsync", "expected true or false, got \"yes\"", "{\"fsync\": \"yes\"}");
        assertError(".fsync", "expected true or false, got 1.5", "{\"fsync\": 1.5}");
        assertError(".url", "expected a string, got a list", "{\"url\": [\"a\"]}");
        assertError(".data_dir", "expected a string, got 5", "{\"data_dir\": 5}");
        assertError(".timeout", "invalid duration 5 (a duration needs a unit, e.g. 5s or 5ms)", "{\"timeout\": 5}");
        assertError(".timeout", "invalid duration \"5 sec\" (expected a number with a unit: ms, s, m, h, d, e.g. 500ms or 30s)",
                "{\"timeout\": \"5 sec\"}");
        assertError(".timeout", "expected a duration such as 30s, got a map", "{\"timeout\": {}}");
        assertError(".max_bytes", "invalid size \"lots\" (expected a number with an optional unit: B, KiB, MiB, GiB, KB, MB, GB)",
                "{\"max_bytes\": \"lots\"}");
        assertError(".max_bytes", "size must not be negative: -1", "{\"max_bytes\": -1}");
        assertError(".max_bytes", "expected a size such as 1MiB, got a list", "{\"max_bytes\": [1]}");
        assertError(".mode", "\"middle\" is not one of HEAD, TAIL", "{\"mode\": \"middle\"}");
        assertError(".mode", "expected one of HEAD, TAIL", "{\"mode\": [1]}");
        assertError(".paths", "expected a list, got \"/a.log\"", "{\"paths\": \"/a.log\"}");
        assertError(".paths[1]", "expected a string, got a map", "{\"paths\": [\"a\", {\"b\": 1}]}");
        assertError(".labels", "expected a map (key: value), got a list", "{\"labels\": [1]}");
        assertError(".labels.app", "expected a string, got a list", "{\"labels\": {\"app\": []}}");
        assertError(".tls", "expected a map (key: value), got \"yes\"", "{\"tls\": \"yes\"}");
        assertError(".tls.insecure_skip_verify", "expected true or false, got \"maybe\"",
                "{\"tls\": {\"insecure_skip_verify\": \"maybe\"}}");
        assertError(".metrics.lat.buckets[1]", "expected a number, got \"x\"", "{\"metrics\": {\"lat\": {\"buckets\": [1, \"x\"]}}}");
    }

    private static void assertError(String path, String message, String json) {
        ObjectNode node = (ObjectNode) json(json);
        if (!node.has("workers")) node.put("workers", 1);
        BindException e = assertThrows(BindException.class, () -> RecordBinder.bind(node, Everything.class), json);
        assertEquals(Kind.MISMATCH, e.kind(), json);
        assertEquals(path + ": " + message, e.path() + ": " + e.getMessage(), json);
    }

    @Test
    void aMissingOrNullPrimitiveIsAnError() {
        BindException missing = fails("{}", Everything.class);
        assertEquals(".workers: expected a number", missing.path() + ": " + missing.getMessage());
        BindException isNull = fails("{\"workers\": null}", Everything.class);
        assertEquals(".workers: expected a number, got nothing", isNull.path() + ": " + isNull.getMessage());
    }

    @Test
    void aConstructorsRefusalIsReportedAtTheRecord() {
        BindException e = fails("{\"workers\": 1, \"metrics\": {\"lat\": {\"type\": \"histogram\"}}}", Everything.class);
        assertEquals(Kind.INSTANTIATION, e.kind());
        assertEquals(".metrics.lat", e.path());
        assertEquals("a histogram needs buckets", e.getMessage());
    }

    @Test
    void aSecretNeverAppearsInAnError() {
        String secret = "hunter2-very-secret";
        BindException shape = fails("{\"workers\": 1, \"auth\": {\"password\": [\"" + secret + "\"]}}", Everything.class);
        assertEquals(".auth.password: expected a string", shape.path() + ": " + shape.getMessage());
        BindException later = fails("{\"workers\": 1, \"token\": \"" + secret + "\", \"auth\": {\"password\": \"" + secret
                + "\"}, \"timeout\": \"soon\"}", Everything.class);
        assertFalse(later.getMessage().contains(secret), later.getMessage());
        Everything ok = RecordBinder.bind(json("{\"workers\": 1, \"token\": \"" + secret + "\"}"), Everything.class);
        assertFalse(ok.toString().contains(secret), "a bound record's toString masks the secret");
    }

    @Test
    void aDelegatingRecordTakesTheWholeValue() {
        Labels l = RecordBinder.bind(json("{\"level\": \"{{level}}\", \"app\": \"checkout\"}"), Labels.class);
        assertEquals(Map.of("level", "{{level}}", "app", "checkout"), l.labels());
        assertEquals(Map.of(), RecordBinder.bind(json("{}"), Labels.class).labels());
        BindException e = fails("{\"app\": [1]}", Labels.class);
        assertEquals(".app: expected a string, got a list", e.path() + ": " + e.getMessage());
        assertTrue(RecordBinder.delegate(Labels.class) != null);
        assertNull(RecordBinder.delegate(Tls.class));
    }

    @Test
    void aPlainClassBindsThroughItsPublicFieldsAndSetters() {
        HasBean b = RecordBinder.bind(json("{\"bean\": {\"name\": \"x\", \"size\": \"3\", \"via_setter\": \"y\"}}"), HasBean.class);
        assertEquals("x", b.bean().name);
        assertEquals(3, b.bean().size);
        assertEquals("set:y", b.bean().viaSetter);
        BindException e = fails("{\"bean\": {\"nmae\": \"x\"}}", HasBean.class);
        assertEquals(Kind.UNKNOWN_KEY, e.kind());
        assertEquals(".bean.nmae", e.path());
        assertEquals(Set.of("name", "size", "via_setter"), Set.copyOf(e.knownKeys()));
    }

    @Test
    void aTypeThatCannotBeBoundIsTheConfigsBug() {
        BindException e = fails("{\"task\": \"x\"}", Unsupported.class);
        assertEquals(Kind.DEFINITION, e.kind());
        assertTrue(e.getMessage().startsWith("this component's config cannot be bound (a bug in its plugin): "), e.getMessage());
    }

    @Test
    void keysAreSnakeCaseAsJacksonNamesThem() {
        assertEquals("max_line_bytes", RecordBinder.snakeCase("maxLineBytes"));
        assertEquals("url", RecordBinder.snakeCase("url"));
        assertEquals("tls_cafile", RecordBinder.snakeCase("tlsCAFile"));
        assertEquals("http2_enabled", RecordBinder.snakeCase("http2Enabled"));
        assertEquals(List.of("ca_file", "insecure_skip_verify"), List.copyOf(RecordBinder.components(Tls.class).keySet()));
        assertEquals("x-custom", List.copyOf(RecordBinder.components(Everything.class).keySet()).getLast());
    }

    @Test
    void genericTypesBindToo() throws Exception {
        var type = Everything.class.getDeclaredMethod("metrics").getGenericReturnType();
        @SuppressWarnings("unchecked")
        Map<String, Metric> m = (Map<String, Metric>) RecordBinder.bind(json("{\"a\": {\"type\": \"counter\"}}"), type);
        assertEquals(new Metric("counter", null), m.get("a"));
    }
}
