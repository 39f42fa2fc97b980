package io.outrigger.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonBufferTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"plain ascii", "{\"json\":\"inside\"}", "tab\there\nnewline\r\u0001\u001f", "back\\slash",
            "caf\u00e9 \u4e2d\u6587 \uD83D\uDE00 emoji", "\u2028\u2029 separators", ""})
    void stringsRoundTripThroughAJsonParser(String s) throws Exception {
        JsonBuffer b = new JsonBuffer(4);
        b.appendString(s);
        assertEquals(s, mapper.readValue(b.toByteArray(), String.class));
    }

    @Test
    void textWithoutEscapesIsExactlyItsUtf8BetweenQuotes() {
        JsonBuffer b = new JsonBuffer(4);
        for (String s : new String[] {"caf\u00e9 \u4e2d\u6587 \uD83D\uDE00 \u00ff\u0080\u07ff\u0800\uffff",
                "long " + "x\u00e9\u4e2d".repeat(30_000), "short again"}) { // the long one passes the kept scratch
            b.reset();
            b.appendString(s);
            assertEquals("\"" + s + "\"", b.toString());
            assertEquals(("\"" + s + "\"").getBytes(StandardCharsets.UTF_8).length, b.length());
        }
    }

    @Test
    void longsAreWrittenInPlace() {
        JsonBuffer b = new JsonBuffer(4);
        long[] values = {0, 9, 10, -1, -10, 99, 100, 1234567890123L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1};
        for (long v : values) {
            b.reset();
            b.append(v);
            assertEquals(Long.toString(v), b.toString());
        }
    }

    @Test
    void unpairedSurrogateBecomesAQuestionMark() throws Exception {
        JsonBuffer b = new JsonBuffer();
        b.appendString("a\uD800b");
        assertEquals("a?b", mapper.readValue(b.toByteArray(), String.class));
        assertEquals("\"a?b\"", new String(b.toByteArray(), StandardCharsets.UTF_8));
    }

    @Test
    void lineSeparatorsAreEscaped() {
        JsonBuffer b = new JsonBuffer();
        b.appendString("a\u2028b\u2029c\u00e9");
        assertEquals("\"a\\u2028b\\u2029c\u00e9\"", b.toString());
    }

    @Test
    void numbersAndPadding() {
        JsonBuffer b = new JsonBuffer();
        b.append(-42).append(',').append(7).append(',').appendPadded(1234, 9);
        assertEquals("-42,7,000001234", b.toString());
    }
}
