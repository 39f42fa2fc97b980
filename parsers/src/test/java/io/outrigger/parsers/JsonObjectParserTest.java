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

class JsonObjectParserTest {

    /** The fields (as {@link JsonCanon}) or the failure reason. */
    static String parse(String text, boolean flatten) {
        return parse(new JsonObjectParser(flatten), text);
    }

    static String parse(JsonObjectParser p, String text) {
        Fields.Builder b = Fields.builder();
        String problem = p.parse(text, b);
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
                Arguments.of("{\"level\" \"x\"}", "invalid JSON: expected ':' after key \"level\" at offset 9"),
                Arguments.of("{\"a\":1,}", "invalid JSON: expected a quoted key at offset 7, found '}'"),
                Arguments.of("{\"a\":}", "invalid JSON: expected a value at offset 5, found '}'"),
                Arguments.of("{\"a\":1 \"b\":2}", "invalid JSON: expected ',' or '}' after the value of key \"a\" at offset 7, found '\"'"),
                Arguments.of("{\"a\":1", "invalid JSON: expected ',' or '}' after the value of key \"a\" at offset 6, found end of input"),
                Arguments.of("{", "invalid JSON: expected a quoted key at offset 1, found end of input"),
                Arguments.of("{'a':1}", "invalid JSON: expected a quoted key at offset 1, found '''"),
                Arguments.of("{a:1}", "invalid JSON: expected a quoted key at offset 1, found 'a'"),
                Arguments.of("{\"a\":01}", "invalid JSON: leading zero in number at offset 5"),
                Arguments.of("{\"a\":-01}", "invalid JSON: leading zero in number at offset 5"),
                Arguments.of("{\"a\":-}", "invalid JSON: expected a digit at offset 6, found '}'"),
                Arguments.of("{\"a\":-", "invalid JSON: expected a digit at offset 6, found end of input"),
                Arguments.of("{\"a\":1.}", "invalid JSON: expected a digit after '.' at offset 7, found '}'"),
                Arguments.of("{\"a\":1.e5}", "invalid JSON: expected a digit after '.' at offset 7, found 'e'"),
                Arguments.of("{\"a\":.5}", "invalid JSON: expected a value at offset 5, found '.'"),
                Arguments.of("{\"a\":+1}", "invalid JSON: expected a value at offset 5, found '+'"),
                Arguments.of("{\"a\":1e}", "invalid JSON: expected a digit in exponent at offset 7, found '}'"),
                Arguments.of("{\"a\":1e+}", "invalid JSON: expected a digit in exponent at offset 8, found '}'"),
                Arguments.of("{\"a\":0x10}", "invalid JSON: expected ',' or '}' after the value of key \"a\" at offset 6, found 'x'"),
                Arguments.of("{\"a\":NaN}", "invalid JSON: expected a value at offset 5, found 'N'"),
                Arguments.of("{\"a\":Infinity}", "invalid JSON: expected a value at offset 5, found 'I'"),
                Arguments.of("{\"a\":tru}", "invalid JSON: unrecognized token 'tru' at offset 5"),
                Arguments.of("{\"a\":True}", "invalid JSON: expected a value at offset 5, found 'T'"),
                Arguments.of("{\"a\":nul", "invalid JSON: unrecognized token 'nul' at offset 5"),
                Arguments.of("{\"a\":falsey}", "invalid JSON: expected ',' or '}' after the value of key \"a\" at offset 10, found 'y'"),
                Arguments.of("{\"a\":\"x\\qy\"}", "invalid JSON: invalid escape '\\q' at offset 7"),
                Arguments.of("{\"a\":\"x\\\ty\"}", "invalid JSON: invalid escape ('\\' followed by U+0009) at offset 7"),
                Arguments.of("{\"a\":\"\\u12G4\"}", "invalid JSON: invalid \\u escape (expected four hex digits) at offset 6"),
                Arguments.of("{\"a\":\"\\u12\"}", "invalid JSON: invalid \\u escape (expected four hex digits) at offset 6"),
                Arguments.of("{\"a\":\"\\u12", "invalid JSON: invalid \\u escape (expected four hex digits) at offset 6"),
                Arguments.of("{\"a\":\"\\", "invalid JSON: unterminated string starting at offset 5"),
                // as Jackson: escaped surrogates in keys must pair up (in values they are kept as they are)
                Arguments.of("{\"\\ude00\":1}", "invalid JSON: unpaired surrogate \\uDE00 in key at offset 2"),
                Arguments.of("{\"x\\ud83d\":1}", "invalid JSON: unpaired surrogate \\uD83D in key at offset 3"),
                Arguments.of("{\"\\ud83dx\":1}", "invalid JSON: unpaired surrogate \\uD83D in key at offset 2"),
                Arguments.of("{\"\\ud83d\\ud83d\":1}", "invalid JSON: unpaired surrogate \\uD83D in key at offset 2"),
                Arguments.of("{\"\\ud83d\\u0041\":1}", "invalid JSON: unpaired surrogate \\uD83D in key at offset 2"),
                Arguments.of("{\"a\":\"x\ny\"}", "invalid JSON: unescaped control character U+000A in string at offset 7"),
                Arguments.of("{\"a\":\"\\n\ty\"}", "invalid JSON: unescaped control character U+0009 in string at offset 8"),
                Arguments.of("{\"a\u0001\":1}", "invalid JSON: unescaped control character U+0001 in string at offset 3"),
                Arguments.of("{\"a\":\"x", "invalid JSON: unterminated string starting at offset 5"),
                Arguments.of("{\"a", "invalid JSON: unterminated key starting at offset 1"),
                Arguments.of("{\"a\":[1,]}", "invalid JSON: expected a value at offset 8, found ']'"),
                Arguments.of("{\"a\":[1 2]}", "invalid JSON: expected ',' or ']' in array at offset 8, found '2'"),
                Arguments.of("{\"a\":[1", "invalid JSON: expected ',' or ']' in array at offset 7, found end of input"),
                Arguments.of("{\"a\":{\"b\":1}", "invalid JSON: expected ',' or '}' after the value of key \"a\" at offset 12, found end of input"),
                Arguments.of("{\"a\":1,\"a\":2 x}", "invalid JSON: expected ',' or '}' after the value of key \"a\" at offset 13, found 'x'"),
                Arguments.of("{\"a\":1\u000b}", "invalid JSON: expected ',' or '}' after the value of key \"a\" at offset 6, found U+000B"),
                Arguments.of("\u00a0{}", "invalid JSON: expected a value at offset 0, found U+00A0"),
                Arguments.of("\ufeff{}", "invalid JSON: expected a value at offset 0, found U+FEFF"),
                Arguments.of("this is not json", "invalid JSON: unrecognized token 'this' at offset 0"),
                Arguments.of("[1,2", "invalid JSON: expected ',' or ']' in array at offset 4, found end of input"),
                Arguments.of("{\"a\":1}}", "trailing content after JSON object"),
                Arguments.of("{\"a\":1} {\"b\":2}", "trailing content after JSON object"),
                Arguments.of("{\"a\":1}/*c*/", "trailing content after JSON object"),
                Arguments.of("{} x", "trailing content after JSON object"),
                Arguments.of("[1,2]", "not a JSON object"),
                Arguments.of(" \"s\" ", "not a JSON object"),
                Arguments.of("12", "not a JSON object"),
                Arguments.of("null", "not a JSON object"),
                Arguments.of("{\"a\":" + "1".repeat(1001) + "}", "invalid JSON: number longer than 1000 digits at offset 5"),
                Arguments.of("{\"a\":-" + "1".repeat(1000) + ".5}", "invalid JSON: number longer than 1000 digits at offset 5"),
                Arguments.of("{\"a\":1." + "1".repeat(998) + "e10}", "invalid JSON: number longer than 1000 digits at offset 5"),
                Arguments.of("{\"" + "k".repeat(50_001) + "\":1}", "invalid JSON: key longer than 50000 characters at offset 1"),
                Arguments.of("{\"" + "k\\n".repeat(25_001) + "\":1}", "invalid JSON: key longer than 50000 characters at offset 1"),
                Arguments.of("{\"" + "k".repeat(100) + "\" 1}",
                        "invalid JSON: expected ':' after key \"" + "k".repeat(40) + "...\" at offset 104"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejectsInvalidInputWithAReasonAndOffset(String json, String expected) {
        assertEquals(expected, parse(json, false));
        assertEquals(expected, parse(json, true));
    }

    @Test
    void nestingIsLimitedTo1000LevelsWithoutRunningOutOfAHalfMebibyteStack() throws InterruptedException {
        String ok = "{\"a\":".repeat(1000) + "1" + "}".repeat(1000);
        String tooDeep = "{\"a\":".repeat(1001) + "1" + "}".repeat(1001);
        String okArrays = "{\"a\":" + "[".repeat(999) + "]".repeat(999) + "}";
        String deepArrays = "{\"a\":" + "[".repeat(100_000);
        String deepMixed = "{\"a\":[".repeat(100_000);
        AtomicReference<Object> result = new AtomicReference<>();
        // the agent runs with -Xss512k; a fresh thread also runs the parser interpreted (the largest frames)
        Thread t = new Thread(null, () -> {
            try {
                JsonObjectParser p = new JsonObjectParser(false);
                JsonObjectParser flat = new JsonObjectParser(true);
                result.set(new String[] {parse(p, ok), parse(p, tooDeep), parse(p, okArrays), parse(p, deepArrays),
                        parse(p, deepMixed), parse(flat, ok), parse(flat, tooDeep), parse(p, "[".repeat(100_000))});
            } catch (Throwable e) {
                result.set(e);
            }
        }, "small-stack", 512 * 1024);
        t.start();
        t.join();
        if (result.get() instanceof Throwable e) throw new AssertionError(e);
        String[] r = (String[]) result.get();
        assertTrue(r[0].startsWith("{\"a\":{\"a\":{"), r[0].substring(0, 20));
        assertEquals("invalid JSON: nesting deeper than 1000 levels at offset 5000", r[1]);
        assertTrue(r[2].startsWith("{\"a\":[[[["), r[2].substring(0, 20));
        assertEquals("invalid JSON: nesting deeper than 1000 levels at offset 1004", r[3]);
        assertEquals("invalid JSON: nesting deeper than 1000 levels at offset 3000", r[4]);
        assertEquals("{\"" + "a.".repeat(999) + "a\":1}", r[5]);
        assertEquals("invalid JSON: nesting deeper than 1000 levels at offset 5000", r[6]);
        assertEquals("invalid JSON: nesting deeper than 1000 levels at offset 1000", r[7]);
    }

    @Test
    void oneMebibyteLines() {
        JsonObjectParser p = new JsonObjectParser(false);
        // many members
        StringBuilder sb = new StringBuilder("{");
        int n = 0;
        while (sb.length() < (1 << 20)) sb.append(n == 0 ? "" : ",").append("\"k").append(n).append("\":").append(n++);
        sb.append('}');
        Fields.Builder b = Fields.builder();
        assertNull(p.parse(sb.toString(), b));
        Fields f = b.build();
        assertEquals(n, f.size());
        assertEquals(new Value.Int(n - 1), f.value(n - 1));
        // one string with escapes all through it, and a long array
        String chunk = "abc\\n\\u00e9\\ud83d\\ude00\\\"";
        String big = "{\"s\":\"" + chunk.repeat((1 << 20) / chunk.length()) + "\",\"arr\":[" + "1,".repeat(200_000) + "2]}";
        b = Fields.builder();
        assertNull(p.parse(big, b));
        f = b.build();
        assertEquals("abc\n\u00e9\ud83d\ude00\"".repeat((1 << 20) / chunk.length()), f.get("s").asText());
        assertEquals(200_001, ((Value.Arr) f.get("arr")).values().size());
        // and the parser is fine for the next small record
        assertEquals("{\"x\":[1,2]}", parse(p, "{\"x\":[1,2]}"));
    }

    @Test
    void aShortValueEqualToThePreviousLinesAtTheSamePlaceIsTheSameValue() {
        JsonObjectParser p = new JsonObjectParser(false);
        Fields[] f = new Fields[4];
        String[] lines = {
            "{\"level\":\"INFO\",\"msg\":\"caf\u00e9\",\"trace\":\"ab12\",\"tags\":[\"x\",\"y\"]}",
            "{\"level\":\"INFO\",\"msg\":\"caf\u00e9\",\"trace\":\"cd34\",\"tags\":[\"x\",\"y\"]}",
            "{\"level\":\"INF\",\"msg\":\"cafe\",\"trace\":\"cd34\",\"tags\":[\"y\",\"x\"]}",
            "{\"msg\":\"INF\",\"level\":\"WARN\",\"trace\":\"cd34\\n\"}",
        };
        for (int i = 0; i < lines.length; i++) {
            Fields.Builder b = Fields.builder();
            assertNull(p.parse(lines[i].getBytes(java.nio.charset.StandardCharsets.UTF_8), b));
            f[i] = b.build();
        }
        assertSame(f[0].get("level"), f[1].get("level"));
        assertSame(f[0].get("msg"), f[1].get("msg"));
        assertEquals("ab12", f[0].get("trace").asText());
        assertEquals("cd34", f[1].get("trace").asText());
        assertSame(((Value.Arr) f[0].get("tags")).values().get(1), ((Value.Arr) f[1].get("tags")).values().get(1));
        assertEquals("INF", f[2].get("level").asText());
        assertEquals("cafe", f[2].get("msg").asText());
        assertSame(f[1].get("trace"), f[2].get("trace"));
        assertEquals(java.util.List.of(new Value.Str("y"), new Value.Str("x")), ((Value.Arr) f[2].get("tags")).values());
        assertEquals("INF", f[3].get("msg").asText(), "the same text at the first place, under another key");
        assertEquals("WARN", f[3].get("level").asText());
        assertEquals("cd34\n", f[3].get("trace").asText());
    }

    @Test
    void keysAreReusedAcrossRecordsAndRandomKeysStayCorrect() {
        JsonObjectParser p = new JsonObjectParser(true);
        Fields.Builder first = Fields.builder();
        Fields.Builder second = Fields.builder();
        p.parse("{\"level\":\"info\",\"http\":{\"status\":200}}", first);
        p.parse("{\"level\":\"warn\",\"http\":{\"status\":500}}", second);
        assertSame(first.build().name(0), second.build().name(0), "the key String is reused");
        assertSame(first.build().name(1), second.build().name(1), "the joined key String is reused");
        // a stream of distinct keys (the cache evicts, never grows) keeps giving the right names
        for (int i = 0; i < 20_000; i++) {
            String k = "key-" + Integer.toHexString(i * 0x9E3779B9);
            Fields.Builder b = Fields.builder();
            assertNull(p.parse("{\"" + k + "\":{\"" + k + "\":" + i + "},\"level\":1}", b));
            Fields f = b.build();
            assertEquals(k + "." + k, f.name(0));
            assertEquals(new Value.Int(i), f.value(0));
            assertEquals("level", f.name(1));
        }
    }

    @Test
    void keyGuessedFromThePreviousLineMustMatchExactly() {
        JsonObjectParser p = new JsonObjectParser(false);
        assertEquals("{\"level\":1,\"a\\u000ab\":2}", parse(p, "{\"level\":1,\"a\\nb\":2}"));
        assertEquals("{\"levels\":1,\"ab\":2}", parse(p, "{\"levels\":1,\"ab\":2}"));
        assertEquals("{\"lev\":1,\"a\":2}", parse(p, "{\"lev\":1,\"a\":2}"));
        assertEquals("{\"level\":1,\"a\\u000ab\":2}", parse(p, "{\"level\":1,\"a\\nb\":2}"));
        assertEquals("invalid JSON: unescaped control character U+000A in string at offset 13",
                parse(p, "{\"level\":1,\"a\nb\":2}"), "a decoded key is never matched against raw text");
        assertEquals("{\"level\":{\"level\":1}}", parse(p, "{\"level\":{\"level\":1}}"));
        assertEquals("invalid JSON: unterminated key starting at offset 1", parse(p, "{\"level"));
    }

    // ---- UTF-8

    private static final String[] WIDE = {"\u0080", "\u00e9", "\u07ff", "\u0800", "\u65e5", "\uffff",
        "\ud800\udc00", "\ud83d\ude00", "\udbff\udfff", "\u2028"};

    /** The value of the only member of {@code json}, parsed from its UTF-8 bytes. */
    private static Fields fields(JsonObjectParser p, String json) {
        Fields.Builder b = Fields.builder();
        String problem = p.parse(json.getBytes(StandardCharsets.UTF_8), b);
        assertNull(problem, json);
        return b.build();
    }

    @Test
    void multiByteCharsInValuesAtEveryPlaceOfAnEightByteWord() {
        JsonObjectParser p = new JsonObjectParser(false);
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
    void multiByteCharsInKeysAreCachedAndGuessedByTheirBytes() {
        JsonObjectParser p = new JsonObjectParser(true);
        for (int pad = 0; pad <= 17; pad++) {
            for (String w : WIDE) {
                String key = "k".repeat(pad) + w;
                String json = "{\"" + key + "\":{\"" + w + "\":1},\"" + key + "x\":2}";
                for (int round = 0; round < 2; round++) {   // the second time the keys come from the caches
                    Fields f = fields(p, json);
                    assertEquals(key + "." + w, f.name(0), json);
                    assertEquals(key + "x", f.name(1), json);
                }
            }
        }
        // keys of the same byte length and hash-neighbours that differ only inside a multi-byte char
        Fields a = fields(p, "{\"caf\u00e9\":1,\"level\":2}");
        Fields b = fields(p, "{\"caf\u00ea\":1,\"level\":2}");
        assertEquals("caf\u00e9", a.name(0));
        assertEquals("caf\u00ea", b.name(0));
        assertSame(a.name(1), b.name(1));
        // a key longer than the cached ones, with multi-byte chars across it
        String longKey = "\u65e5".repeat(30) + "x" + "\ud83d\ude00".repeat(5);
        assertEquals(longKey, fields(p, "{\"" + longKey + "\":1}").name(0));
        // a key over 50000 bytes but not 50000 chars is fine; over 50000 chars is not
        String wide = "\u00e9".repeat(50_000);
        assertEquals(wide, fields(p, "{\"" + wide + "\":1}").name(0));
        assertEquals("invalid JSON: key longer than 50000 characters at offset 1", parse(p, "{\"" + wide + "\u00e9\":1}"));
    }

    @Test
    void offsetsCountBytesAndFoundCharsAreWholeCodePoints() {
        // {"é":1 x}: 'x' is the 8th char but at byte 8
        assertEquals("invalid JSON: expected ',' or '}' after the value of key \"\u00e9\" at offset 8, found 'x'",
                parse("{\"\u00e9\":1 x}", false));
        assertEquals("invalid JSON: expected a value at offset 11, found U+00E9",
                parse("{\"\ud83d\ude00\u65e5\":\u00e9}", false));
        assertEquals("invalid JSON: expected ',' or '}' after the value of key \"a\" at offset 6, found U+1F600",
                parse("{\"a\":1\ud83d\ude00}", false));
        assertEquals("invalid JSON: invalid escape ('\\' followed by U+00E9) at offset 12",
                parse("{\"a\":\"\u65e5\u65e5\\\u00e9\"}", false));
        assertEquals("invalid JSON: unescaped control character U+0001 in string at offset 8",
                parse("{\"a\":\"\u00e9\u0001\"}", false));
        assertEquals("invalid JSON: unrecognized token 'tru\u00e9' at offset 5", parse("{\"a\":tru\u00e9}", false));
        assertEquals("invalid JSON: unterminated string starting at offset 5", parse("{\"a\":\"\u00e9\u00e9", false));
    }

    @Test
    void aLoneSurrogateInTextBecomesAQuestionMark() {
        // text has no UTF-8 form for a lone surrogate: the one place the byte parser sees other text than Jackson did
        assertEquals("{\"s\":\"a?b\",\"?\":\"?\"}", parse("{\"s\":\"a\ud800b\",\"\udc00\":\"\ud83d\"}", false));
        assertEquals("invalid JSON: expected a quoted key at offset 1, found '?'", parse("{\ud800}", false));
        // an escaped one is no char of the text: kept in a value, as before
        assertNotEquals("?", fields(new JsonObjectParser(false), "{\"s\":\"\\ud800\"}").get("s").asText());
    }

    @Test
    void malformedBytesNeverThrow() {
        JsonObjectParser p = new JsonObjectParser(false);
        byte[][] lines = {{'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'},
            {'{', '"', (byte) 0xFF, '"', ':', '1', '}'}, {'{', '"', 'a', '"', ':', (byte) 0xE6, '}'},
            {'{', '"', 'a', '"', ':', '"', '\\', 'n', (byte) 0xF0, (byte) 0x9F, '"', '}'}};
        for (byte[] line : lines) {
            Fields.Builder b = Fields.builder();
            String problem = p.parse(line, b);
            assertTrue(problem == null || problem.startsWith("invalid JSON"), problem);
        }
        Fields.Builder b = Fields.builder();
        assertNull(p.parse(lines[3], b));
        assertEquals("\n\ufffd\ufffd", b.build().get("a").asText());
    }
}
