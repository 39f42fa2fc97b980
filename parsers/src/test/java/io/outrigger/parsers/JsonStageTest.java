package io.outrigger.parsers;

import static io.outrigger.parsers.StageHarness.line;
import static io.outrigger.parsers.StageHarness.stage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.event.Fields;
import io.outrigger.core.event.Flag;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Origin;
import io.outrigger.core.event.Value;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Finalizer;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.parsers.StageHarness.Collector;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonStageTest {

    @Test
    void parsesAOneMebibyteLine() {
        Stage st = stage("json", null);
        Collector out = new Collector();
        String big = "z".repeat(1 << 20);
        st.process(line("{\"msg\":\"" + big + "\",\"n\":1}"), out);
        assertEquals(big, out.accepted.getFirst().fields().get("msg").asText());
        assertEquals(new Value.Int(1), out.accepted.getFirst().fields().get("n"));
    }

    @Test
    void badLinesAreKeptFlaggedAndCounted() {
        ComponentContext ctx = StageHarness.context();
        Stage st = stage("json", null, ctx);
        Collector out = new Collector();
        st.process(line("{\"a\":"), out);
        st.process(line("[]"), out);
        st.process(line("{\"ok\":true}"), out);
        st.process(line("[".repeat(5000)), out);
        st.process(line("{\"a\":".repeat(5000) + "1" + "}".repeat(5000)), out);
        assertEquals(5, out.accepted.size(), "nothing dropped");
        assertTrue(out.accepted.get(4).has(Flag.PARSE_ERROR), "nesting beyond Jackson's limit is a parse error");
        assertEquals("{\"a\":", out.accepted.get(0).message());
        assertTrue(out.accepted.get(0).has(Flag.PARSE_ERROR));
        assertEquals(4.0, StageHarness.counter(ctx, ParseErrors.METRIC, "test", "json"));
    }

    @Test
    void readsANamedSourceFieldAndKeepsExistingFields() {
        Stage st = stage("json", "{\"source\":\"log\"}");
        Collector out = new Collector();
        LogRecord r = line("raw").toBuilder().fields(Fields.builder().put("log", "{\"level\":\"warn\"}")
                .put("stream", "stdout").build()).build();
        st.process(r, out);
        Fields f = out.accepted.getFirst().fields();
        assertEquals("warn", f.get("level").asText());
        assertEquals("stdout", f.get("stream").asText());
        assertEquals("raw", out.accepted.getFirst().message());
        st.process(line("no field"), out);
        assertEquals("source field \"log\" missing", out.accepted.get(1).fields().get("parse_error").asText());
    }

    @Test
    void flattensTakesTheMessageFieldAndOverridesExistingFields() {
        Stage st = stage("json", "{\"flatten\":true,\"message_field\":\"msg\"}");
        Collector out = new Collector();
        LogRecord r = line("{\"msg\":\"hello\",\"http\":{\"status\":200,\"h\":{}},\"stream\":\"json\",\"e\":{}}")
                .toBuilder().fields(Fields.builder().put("stream", "stdout").put("pod", "p1").build()).build();
        st.process(r, out);
        LogRecord o = out.accepted.getFirst();
        assertEquals("hello", o.message());
        assertEquals("{\"stream\":\"json\",\"pod\":\"p1\",\"http.status\":200,\"http.h\":{},\"e\":{}}",
                JsonCanon.of(o.fields()));
    }

    @Test
    void invalidJsonSaysWhatAndWhere() {
        Stage st = stage("json", null);
        Collector out = new Collector();
        st.process(line("{\"level\" \"info\"}"), out);
        st.process(line("{\"a\":1}\u00a0"), out);
        st.process(line("\t \u000b"), out);
        st.process(line("{\"ok\":1}"), out);
        assertEquals("invalid JSON: Unexpected character ('\"' (code 34)): was expecting a colon to separate field name and value at offset 9",
                out.accepted.get(0).fields().get("parse_error").asText());
        assertEquals("trailing content after JSON object", out.accepted.get(1).fields().get("parse_error").asText());
        assertEquals("empty line", out.accepted.get(2).fields().get("parse_error").asText());
        assertEquals("{\"ok\":1}", JsonCanon.of(out.accepted.get(3).fields()), "a good line after bad ones");
    }

    private static LogRecord bytesLine(String text) {
        return LogRecord.ofUtf8(StageHarness.READ_TIME, text.getBytes(StandardCharsets.UTF_8), Origin.NONE, Finalizer.NONE, 0);
    }

    @Test
    void aRecordReadAsBytesIsParsedFromThemAndKeepsThem() {
        Stage st = stage("json", null);
        Collector out = new Collector();
        LogRecord r = bytesLine("{\"msg\":\"h\u00e9llo \ud83d\ude00\",\"\u65e5\u672c\":1,\"n\":[1.5,\"\u00e9\"]}");
        st.process(r, out);
        LogRecord o = out.accepted.getFirst();
        assertFalse(o.has(Flag.PARSE_ERROR));
        assertEquals("{\"msg\":\"h\\u00e9llo \\ud83d\\ude00\",\"\\u65e5\\u672c\":1,\"n\":[1.5,\"\\u00e9\"]}",
                JsonCanon.of(o.fields()));
        assertSame(r.utf8Message(), o.utf8Message(), "the message stays the bytes it was read as");

        Stage withMessage = stage("json", "{\"message_field\":\"msg\"}");
        withMessage.process(bytesLine("{\"msg\":\"h\u00e9llo\",\"n\":1}"), out);
        assertEquals("h\u00e9llo", out.accepted.get(1).message());
        assertNull(out.accepted.get(1).utf8Message());
        assertEquals("{\"n\":1}", JsonCanon.of(out.accepted.get(1).fields()));
    }

    @Test
    void blankBytesAreAnEmptyLineAsBlankTextIs() {
        Stage st = stage("json", null);
        Collector out = new Collector();
        st.process(bytesLine(""), out);
        st.process(bytesLine("\t \u000b\u001f"), out);
        st.process(bytesLine(" \u3000\u2028 "), out);
        st.process(bytesLine(" \u00a0"), out);
        st.process(line(" \u00a0"), out);
        for (int i = 0; i < 3; i++) assertEquals("empty line", out.accepted.get(i).fields().get("parse_error").asText());
        assertEquals("invalid JSON: Unexpected character ('\u00a0' (code 160)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false') at offset 2", out.accepted.get(3).fields().get("parse_error").asText());
        assertEquals(JsonCanon.of(out.accepted.get(3).fields()), JsonCanon.of(out.accepted.get(4).fields()), "a text record says the same");
    }

    @Test
    void offsetsInParseErrorsCountBytes() {
        Stage st = stage("json", null);
        Collector out = new Collector();
        st.process(bytesLine("{\"\u00e9\":1 x}"), out);
        st.process(line("{\"\u00e9\":1 x}"), out);
        String expected = "invalid JSON: Unexpected character ('x' (code 120)): was expecting comma to separate Object entries at offset 8";
        assertEquals(expected, out.accepted.get(0).fields().get("parse_error").asText());
        assertEquals(expected, out.accepted.get(1).fields().get("parse_error").asText());
    }

    @Test
    void aLoneSurrogateInATextRecordReachesTheFieldsAsAQuestionMark() {
        Stage st = stage("json", "{\"source\":\"log\"}");
        Collector out = new Collector();
        st.process(line("{\"s\":\"a\ud800\"}"), out);
        st.process(line("raw").toBuilder().fields(Fields.builder().put("log", "{\"s\":\"\udc00b\"}").build()).build(), out);
        st.process(line("raw").toBuilder().fields(Fields.builder().put("log", "{\"s\":\"\\udc00b\"}").build()).build(), out);
        assertEquals("source field \"log\" missing", out.accepted.get(0).fields().get("parse_error").asText());
        assertEquals("?b", out.accepted.get(1).fields().get("s").asText());
        assertEquals("\udc00b", out.accepted.get(2).fields().get("s").asText(), "an escaped one is kept, as Jackson does");
        Stage plain = stage("json", null);
        plain.process(line("{\"s\":\"a\ud800\"}"), out);
        assertEquals("a?", out.accepted.get(3).fields().get("s").asText());
    }

    @Test
    void aShortValueEqualToThePreviousLinesAtTheSamePlaceIsTheSameValue() {
        Stage st = stage("json", null);
        Collector out = new Collector();
        String longText = "x".repeat(60);
        st.process(bytesLine("{\"level\":\"INFO\",\"msg\":\"caf\u00e9\",\"trace\":\"ab12\",\"tags\":[\"x\",\"y\"],\"l\":\"" + longText + "\"}"), out);
        st.process(bytesLine("{\"level\":\"INFO\",\"msg\":\"caf\u00e9\",\"trace\":\"cd34\",\"tags\":[\"x\",\"y\"],\"l\":\"" + longText + "\"}"), out);
        st.process(bytesLine("{\"msg\":\"INFO\",\"level\":\"WARN\",\"trace\":\"cd34\\n\"}"), out);
        Fields a = out.accepted.get(0).fields();
        Fields b = out.accepted.get(1).fields();
        Fields c = out.accepted.get(2).fields();
        assertSame(a.get("level"), b.get("level"), "the same text at the same place is the same Value");
        assertSame(a.get("msg"), b.get("msg"));
        assertSame(((Value.Arr) a.get("tags")).values().get(1), ((Value.Arr) b.get("tags")).values().get(1));
        assertEquals("ab12", a.get("trace").asText());
        assertEquals("cd34", b.get("trace").asText());
        assertEquals(longText, b.get("l").asText());
        assertNotSame(a.get("l"), b.get("l"), "values longer than 48 chars are not kept");
        assertEquals("INFO", c.get("msg").asText(), "the same text at the first place, under another key");
        assertEquals("WARN", c.get("level").asText());
        assertEquals("cd34\n", c.get("trace").asText());
    }
}
