package io.outrigger.parsers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.event.Fields;
import io.outrigger.core.event.Value;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The json stage's parser on tables of valid and invalid objects: the fields each valid line gives, and that each
 * invalid one is refused with what and where (jackson-core's words and the byte offset it names).
 */
class JsonParseTablesTest {

    /** The fields (as {@link JsonCanon}) or the failure reason. */
    static String parse(String text, boolean flatten) {
        return parse(stage(flatten), text);
    }

    static JsonStage stage(boolean flatten) {
        return new JsonStage(new JsonConfig(null, flatten, null), new ParseErrors(StageHarness.context(), "json"));
    }

    static String parse(JsonStage p, String text) {
        Fields.Builder b = Fields.builder();
        String problem = p.parse(text.getBytes(StandardCharsets.UTF_8), b);
        return problem != null ? problem : JsonCanon.of(b.build());
    }

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("{}", "{}"),
                Arguments.of(" \t\r\n{ \"a\" :\t1 ,\"b\"\n:\r\"x\" } \r\n", "{\"a\":1,\"b\":\"x\"}"),
                Arguments.of("{\"s\":\"\",\"\":\"empty key\"}", "{\"s\":\"\",\"\":\"empty key\"}"),
                // escapes
                Arguments.of("{\"e\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}", "{\"e\":\"\\\"\\\\/\\u0008\\u000c\\u000a\\u000d\\u0009\"}"),
                Arguments.of("{\"u\":\"caf\\u00e9 \\ud83d\\ude00 \\u00E9\\u0000\"}", "{\"u\":\"caf\\u00e9 \\ud83d\\ude00 \\u00e9\\u0000\"}"),
                Arguments.of("{\"a\\nb\\u0041\":1}", "{\"a\\u000abA\":1}"),
                Arguments.of("{\"x\":\"before \\\" after\",\"y\":\"plain\"}", "{\"x\":\"before \\\" after\",\"y\":\"plain\"}"),
                // lone surrogates from escapes are kept as they are (as Jackson does)
                Arguments.of("{\"s\":\"\\ud800x\",\"t\":\"\\udc00\"}", "{\"s\":\"\\ud800x\",\"t\":\"\\udc00\"}"),
                Arguments.of("{\"\\ud83d\\ude00\":1}", "{\"\\ud83d\\ude00\":1}"),
                // raw non-ASCII, invalid UTF-8 already replaced by U+FFFD, DEL
                Arguments.of("{\"ключ\":\"日本 😀\"}", "{\"\\u043a\\u043b\\u044e\\u0447\":\"\\u65e5\\u672c \\ud83d\\ude00\"}"),
                Arguments.of("{\"m\":\"bad \uFFFD\uFFFD bytes\"}", "{\"m\":\"bad \\ufffd\\ufffd bytes\"}"),
                Arguments.of("{\"d\":\"\u007f\u0080\u00ff\"}", "{\"d\":\"\\u007f\\u0080\\u00ff\"}"),
                // numbers
                Arguments.of("{\"a\":0,\"b\":-0,\"c\":-0.0,\"d\":0.0,\"e\":7,\"f\":-42}",
                        "{\"a\":0,\"b\":0,\"c\":-0.0,\"d\":0.0,\"e\":7,\"f\":-42}"),
                Arguments.of("{\"a\":1.5,\"b\":1e3,\"c\":1E+3,\"d\":1e-3,\"e\":0.1,\"f\":2.50e1,\"g\":-1.25E-2}",
                        "{\"a\":1.5,\"b\":1000.0,\"c\":1000.0,\"d\":0.001,\"e\":0.1,\"f\":25.0,\"g\":-0.0125}"),
                Arguments.of("{\"a\":123456789012345678,\"b\":9223372036854775807,\"c\":-9223372036854775808}",
                        "{\"a\":123456789012345678,\"b\":9223372036854775807,\"c\":-9223372036854775808}"),
                Arguments.of("{\"a\":9223372036854775808,\"b\":-9223372036854775809,\"c\":123456789012345678901234567890}",
                        "{\"a\":9.223372036854776E18,\"b\":-9.223372036854776E18,\"c\":1.2345678901234568E29}"),
                Arguments.of("{\"a\":123456789.123456789,\"b\":0.30000000000000004,\"c\":2.2250738585072011e-308}",
                        "{\"a\":1.2345678912345679E8,\"b\":0.30000000000000004,\"c\":2.225073858507201E-308}"),
                Arguments.of("{\"a\":1.7976931348623157e308,\"b\":1e400,\"c\":1e-400,\"d\":0e999999999999}",
                        "{\"a\":1.7976931348623157E308,\"b\":Infinity,\"c\":0.0,\"d\":0.0}"),
                Arguments.of("{\"a\":9007199254740993.0,\"b\":1e22,\"c\":1e23,\"d\":4.9e-324}",
                        "{\"a\":9.007199254740992E15,\"b\":1.0E22,\"c\":1.0E23,\"d\":4.9E-324}"),
                Arguments.of("{\"a\":" + "9".repeat(1000) + "}", "{\"a\":Infinity}"),
                // Jackson's limit of 1000 digits does not count the sign, the point or the 'e'
                Arguments.of("{\"a\":-" + "9".repeat(1000) + ",\"b\":1." + "1".repeat(998) + "e5,\"c\":0." + "0".repeat(998) + "}",
                        "{\"a\":-Infinity,\"b\":111111.11111111111,\"c\":0.0}"),
                // literals, arrays, objects
                Arguments.of("{\"t\":true,\"f\":false,\"n\":null}", "{\"t\":true,\"f\":false,\"n\":null}"),
                Arguments.of("{\"a\":[],\"b\":[ 1 , \"x\" ,[true,null,[]],{\"k\":{}} ]}",
                        "{\"a\":[],\"b\":[1,\"x\",[true,null,[]],{\"k\":{}}]}"),
                Arguments.of("{\"a\":{\"b\":{\"c\":1},\"d\":{}},\"e\":{}}", "{\"a\":{\"b\":{\"c\":1},\"d\":{}},\"e\":{}}"),
                // duplicate keys: the last value wins, in the first one's place (Fields.Builder.put)
                Arguments.of("{\"a\":1,\"b\":2,\"a\":3}", "{\"a\":3,\"b\":2}"),
                Arguments.of("{\"o\":{\"x\":1,\"x\":{\"y\":2}}}", "{\"o\":{\"x\":{\"y\":2}}}"));
    }

    @ParameterizedTest
    @MethodSource("valid")
    void parsesValidObjects(String json, String expected) {
        assertEquals(expected, parse(json, false), json);
    }

    @Test
    void flattenJoinsNestedKeysWithDotsAndKeepsEmptyObjects() {
        assertEquals("{\"a.b\":1,\"a.c.d\":2,\"a.c.e\":[{\"f\":{\"g\":1}}],\"h\":3}",
                parse("{\"a\":{\"b\":1,\"c\":{\"d\":2,\"e\":[{\"f\":{\"g\":1}}]}},\"h\":3}", true));
        assertEquals("{\"a\":{},\"b.c\":{}}", parse("{\"a\":{},\"b\":{\"c\":{}}}", true));
        // as before: an object that adds no new key (here a repeated one) also leaves an empty object behind
        assertEquals("{\"a.b\":2,\"a\":{}}", parse("{\"a\":{\"b\":1},\"a\":{\"b\":2}}", true));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("{\"level\" \"x\"}", "invalid JSON"),
                Arguments.of("{\"a\":1,}", "invalid JSON"),
                Arguments.of("{\"a\":}", "invalid JSON"),
                Arguments.of("{\"a\":1 \"b\":2}", "invalid JSON"),
                Arguments.of("{\"a\":1", "invalid JSON"),
                Arguments.of("{", "invalid JSON"),
                Arguments.of("{'a':1}", "invalid JSON"),
                Arguments.of("{a:1}", "invalid JSON"),
                Arguments.of("{\"a\":01}", "invalid JSON"),
                Arguments.of("{\"a\":-01}", "invalid JSON"),
                Arguments.of("{\"a\":-}", "invalid JSON"),
                Arguments.of("{\"a\":-", "invalid JSON"),
                Arguments.of("{\"a\":1.}", "invalid JSON"),
                Arguments.of("{\"a\":1.e5}", "invalid JSON"),
                Arguments.of("{\"a\":.5}", "invalid JSON"),
                Arguments.of("{\"a\":+1}", "invalid JSON"),
                Arguments.of("{\"a\":1e}", "invalid JSON"),
                Arguments.of("{\"a\":1e+}", "invalid JSON"),
                Arguments.of("{\"a\":0x10}", "invalid JSON"),
                Arguments.of("{\"a\":NaN}", "invalid JSON"),
                Arguments.of("{\"a\":Infinity}", "invalid JSON"),
                Arguments.of("{\"a\":tru}", "invalid JSON"),
                Arguments.of("{\"a\":True}", "invalid JSON"),
                Arguments.of("{\"a\":nul", "invalid JSON"),
                Arguments.of("{\"a\":falsey}", "invalid JSON"),
                Arguments.of("{\"a\":\"x\\qy\"}", "invalid JSON"),
                Arguments.of("{\"a\":\"x\\\ty\"}", "invalid JSON"),
                Arguments.of("{\"a\":\"\\u12G4\"}", "invalid JSON"),
                Arguments.of("{\"a\":\"\\u12\"}", "invalid JSON"),
                Arguments.of("{\"a\":\"\\u12", "invalid JSON"),
                Arguments.of("{\"a\":\"\\", "invalid JSON"),
                // as Jackson: escaped surrogates in keys must pair up (in values they are kept as they are)
                Arguments.of("{\"\\ude00\":1}", "invalid JSON"),
                Arguments.of("{\"x\\ud83d\":1}", "invalid JSON"),
                Arguments.of("{\"\\ud83dx\":1}", "invalid JSON"),
                Arguments.of("{\"\\ud83d\\ud83d\":1}", "invalid JSON"),
                Arguments.of("{\"\\ud83d\\u0041\":1}", "invalid JSON"),
                Arguments.of("{\"a\":\"x\ny\"}", "invalid JSON"),
                Arguments.of("{\"a\":\"\\n\ty\"}", "invalid JSON"),
                Arguments.of("{\"a\u0001\":1}", "invalid JSON"),
                Arguments.of("{\"a\":\"x", "invalid JSON"),
                Arguments.of("{\"a", "invalid JSON"),
                Arguments.of("{\"a\":[1,]}", "invalid JSON"),
                Arguments.of("{\"a\":[1 2]}", "invalid JSON"),
                Arguments.of("{\"a\":[1", "invalid JSON"),
                Arguments.of("{\"a\":{\"b\":1}", "invalid JSON"),
                Arguments.of("{\"a\":1,\"a\":2 x}", "invalid JSON"),
                Arguments.of("{\"a\":1\u000b}", "invalid JSON"),
                Arguments.of("\u00a0{}", "invalid JSON"),
                                Arguments.of("this is not json", "invalid JSON"),
                Arguments.of("[1,2", "not a JSON object"),
                Arguments.of("{\"a\":1}}", "trailing content after JSON object"),
                Arguments.of("{\"a\":1} {\"b\":2}", "trailing content after JSON object"),
                Arguments.of("{\"a\":1}/*c*/", "trailing content after JSON object"),
                Arguments.of("{} x", "trailing content after JSON object"),
                Arguments.of("[1,2]", "not a JSON object"),
                Arguments.of(" \"s\" ", "not a JSON object"),
                Arguments.of("12", "not a JSON object"),
                Arguments.of("null", "not a JSON object"),
                Arguments.of("{\"a\":" + "1".repeat(1001) + "}", "invalid JSON"),
                Arguments.of("{\"a\":-" + "1".repeat(1000) + ".5}", "invalid JSON"),
                Arguments.of("{\"a\":1." + "1".repeat(998) + "e10}", "invalid JSON"),
                Arguments.of("{\"" + "k".repeat(50_001) + "\":1}", "invalid JSON"),
                Arguments.of("{\"" + "k\\n".repeat(25_001) + "\":1}", "invalid JSON"),
                Arguments.of("{\"" + "k".repeat(100) + "\" 1}",
                        "invalid JSON"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejectsInvalidInputWithAReasonAndOffset(String json, String expected) {
        String problem = parse(json, false);
        assertEquals(problem, parse(json, true));
        if (expected.equals("invalid JSON")) {
            assertTrue(problem.matches("invalid JSON: .+ at offset [0-9]+"), problem);
        } else {
            assertEquals(expected, problem);
        }
    }

    @Test
    void saysWhatIsWrongAndAtWhichByte() {
        assertEquals("invalid JSON: Unexpected character ('\"' (code 34)): was expecting a colon to separate field name and value at offset 9",
                parse("{\"level\" \"x\"}", false));
        assertEquals("invalid JSON: Unrecognized token 'this': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false') at offset 0",
                parse("this is not json", false));
        assertEquals("invalid JSON: Unexpected character ('x' (code 120)): was expecting comma to separate Object entries at offset 8",
                parse("{\"\u00e9\":1 x}", false), "the offset counts bytes: 'x' is the 8th char but at byte 8");
    }

    @Test
    void nestingIsLimitedTo1000LevelsOnTheAgentsHalfMebibyteStack() throws InterruptedException {
        String ok = "{\"a\":".repeat(1000) + "1" + "}".repeat(1000);
        String tooDeep = "{\"a\":".repeat(1001) + "1" + "}".repeat(1001);
        String deepArrays = "{\"a\":" + "[".repeat(100_000);
        AtomicReference<Object> result = new AtomicReference<>();
        // the agent runs with -Xss512k; a fresh thread also runs the parser interpreted (the largest frames)
        Thread t = new Thread(null, () -> {
            try {
                JsonStage p = stage(false);
                JsonStage flat = stage(true);
                result.set(new String[] {parse(p, ok), parse(p, tooDeep), parse(p, deepArrays), parse(flat, ok), parse(flat, tooDeep)});
            } catch (Throwable e) {
                result.set(e);
            }
        }, "small-stack", 512 * 1024);
        t.start();
        t.join();
        if (result.get() instanceof Throwable e) throw new AssertionError(e);
        String[] r = (String[]) result.get();
        assertTrue(r[0].startsWith("{\"a\":{\"a\":{"), r[0].substring(0, 20));
        assertTrue(r[1].startsWith("invalid JSON: Document nesting depth (1001) exceeds the maximum allowed (1000"), r[1]);
        assertTrue(r[2].startsWith("invalid JSON: Document nesting depth (1001) exceeds the maximum allowed (1000"), r[2]);
        assertEquals("{\"" + "a.".repeat(999) + "a\":1}", r[3]);
        assertTrue(r[4].startsWith("invalid JSON: Document nesting depth (1001)"), r[4]);
    }

    @Test
    void oneMebibyteLines() {
        JsonStage p = stage(false);
        // many members
        StringBuilder sb = new StringBuilder("{");
        int n = 0;
        while (sb.length() < (1 << 20)) sb.append(n == 0 ? "" : ",").append("\"k").append(n).append("\":").append(n++);
        sb.append('}');
        Fields.Builder b = Fields.builder();
        assertNull(p.parse(sb.toString().getBytes(StandardCharsets.UTF_8), b));
        Fields f = b.build();
        assertEquals(n, f.size());
        assertEquals(new Value.Int(n - 1), f.value(n - 1));
        // one string with escapes all through it, and a long array
        String chunk = "abc\\n\\u00e9\\ud83d\\ude00\\\"";
        String big = "{\"s\":\"" + chunk.repeat((1 << 20) / chunk.length()) + "\",\"arr\":[" + "1,".repeat(200_000) + "2]}";
        b = Fields.builder();
        assertNull(p.parse(big.getBytes(StandardCharsets.UTF_8), b));
        f = b.build();
        assertEquals("abc\n\u00e9\ud83d\ude00\"".repeat((1 << 20) / chunk.length()), f.get("s").asText());
        assertEquals(200_001, ((Value.Arr) f.get("arr")).values().size());
        // and the parser is fine for the next small record
        assertEquals("{\"x\":[1,2]}", parse(p, "{\"x\":[1,2]}"));
    }

    // ---- UTF-8

    private static final String[] WIDE = {"\u0080", "\u00e9", "\u07ff", "\u0800", "\u65e5", "\uffff",
        "\ud800\udc00", "\ud83d\ude00", "\udbff\udfff", "\u2028"};

    /** The value of the only member of {@code json}, parsed from its UTF-8 bytes. */
    private static Fields fields(JsonStage p, String json) {
        Fields.Builder b = Fields.builder();
        String problem = p.parse(json.getBytes(StandardCharsets.UTF_8), b);
        assertNull(problem, json);
        return b.build();
    }

    @Test
    void multiByteCharsInValuesAtEveryPlaceOfAnEightByteWord() {
        JsonStage p = stage(false);
        for (int pad = 0; pad <= 17; pad++) {
            for (String w : WIDE) {
                String before = "a".repeat(pad);
                for (String value : new String[] {before + w, before + w + "z", before + w + w + "xyz" + w,
                    w + before, before + w + "bcdefghij".substring(0, pad % 9)}) {
                    String json = "{\"k\":\"" + value + "\",\"n\":1}";
                    Fields f = fields(p, json);
                    assertEquals(value, f.get("k").asText(), json);
                    assertEquals(new Value.Int(1), f.get("n"), json);
                    // the same with an escape before and after it (the slow path decodes the bytes itself)
                    String escaped = "{\"k\":\"\\t" + value + "\\u0041" + value + "\\n\"}";
                    assertEquals("\t" + value + "A" + value + "\n", fields(p, escaped).get("k").asText(), escaped);
                }
            }
            // ASCII right up to the closing quote, which shares its word with multi-byte chars after it
            String json = "{\"k\":\"" + "a".repeat(pad) + "\",\"\u00e9\u00e9\u00e9\":\"\u65e5\"}";
            Fields f = fields(p, json);
            assertEquals("a".repeat(pad), f.get("k").asText());
            assertEquals("\u65e5", f.get("\u00e9\u00e9\u00e9").asText());
        }
    }

    @Test
    void aLoneSurrogateInTextBecomesAQuestionMark() {
        // text has no UTF-8 form for a lone surrogate: the one place the byte parser sees other text than Jackson did
        assertEquals("{\"s\":\"a?b\",\"?\":\"?\"}", parse("{\"s\":\"a\ud800b\",\"\udc00\":\"\ud83d\"}", false));
        assertEquals("invalid JSON: Unexpected character ('?' (code 63)): was expecting double-quote to start field name at offset 1",
                parse("{\ud800}", false));
        // an escaped one is no char of the text: kept in a value, as before
        assertNotEquals("?", fields(stage(false), "{\"s\":\"\\ud800\"}").get("s").asText());
    }

}
