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
    void rawTextIsItsUtf8Unescaped() {
        JsonBuffer b = new JsonBuffer(4);
        for (String s : new String[] {"tab\t \"q\" \\ caf\u00e9 \u4e2d\u6587 \uD83D\uDE00 \u2028 \u0001", "",
                "long " + "x\u00e9\u4e2d".repeat(30_000), "short again"}) {
            b.reset();
            b.append('<').appendUtf8(s).append('>');
            assertEquals("<" + s + ">", b.toString());
        }
        b.reset();
        b.appendUtf8("lone \uD83D surrogate");
        assertEquals("lone ? surrogate", b.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain ascii", "{\"json\":\"inside\"}", "tab\there\nnewline\r\u0001\u001f", "back\\slash",
            "caf\u00e9 \u4e2d\u6587 \uD83D\uDE00 emoji", "\u2028\u2029 separators", "", "\u007f del", "12345678\"",
            "1234567\u00e9", "\u2028", "x\u2029", "\u00e2\u0080\u00a8 is not U+2028"})
    void utf8BytesAreEscapedExactlyAsTheirText(String s) throws Exception {
        JsonBuffer bytes = new JsonBuffer(4);
        bytes.appendUtf8String(s.getBytes(StandardCharsets.UTF_8));
        JsonBuffer text = new JsonBuffer(4);
        text.appendString(s);
        assertEquals(text.toString(), bytes.toString());
        assertEquals(s, mapper.readValue(bytes.toByteArray(), String.class));
    }

    /** Random text from an alphabet rich in what the word-at-a-time scan must find, at every offset in a word. */
    @Test
    void utf8BytesMatchTheTextPathOnRandomText() {
        String alphabet = "ab\"\\\n\t\u0000\u001f\u007f \u00e9\u07ff\u0800\u2028\u2029\u4e2d\uffff\u00e2";
        java.util.Random rnd = new java.util.Random(7);
        JsonBuffer bytes = new JsonBuffer(4);
        JsonBuffer text = new JsonBuffer(4);
        for (int round = 0; round < 20_000; round++) {
            StringBuilder sb = new StringBuilder();
            int n = rnd.nextInt(80);
            boolean ascii = rnd.nextBoolean(); // then words hold several escapes and nothing else to stop at
            for (int i = 0; i < n; i++) {
                if (ascii) sb.append(alphabet.charAt(rnd.nextInt(9)));
                else if (rnd.nextInt(4) == 0) sb.appendCodePoint(0x1F600 + rnd.nextInt(50)); // a surrogate pair
                else sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            String s = sb.toString();
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            int pad = rnd.nextInt(9);
            byte[] padded = new byte[utf8.length + 2 * pad];
            System.arraycopy(utf8, 0, padded, pad, utf8.length);
            bytes.reset();
            text.reset();
            bytes.appendUtf8String(padded, pad, utf8.length);
            text.appendString(s);
            assertEquals(text.toString(), bytes.toString(), () -> "for " + s.codePoints().mapToObj(Integer::toHexString).toList());
        }
    }

    @Test
    void randomLongsOfEveryLengthAreWrittenAsLongToStringWrites() {
        java.util.Random rnd = new java.util.Random(9);
        JsonBuffer b = new JsonBuffer(4);
        for (int i = 0; i < 20_000; i++) {
            long v = rnd.nextLong() >> rnd.nextInt(64);
            if (i % 3 == 0) v = (long) Math.pow(10, rnd.nextInt(19)) - rnd.nextInt(2); // around each power of ten
            b.reset();
            b.append(v);
            assertEquals(Long.toString(v), b.toString());
        }
        b.reset();
        b.append(Long.MAX_VALUE).append(',').append(Long.MIN_VALUE + 1).append(',').append(999_999_999_999_999_999L);
        assertEquals(Long.MAX_VALUE + "," + (Long.MIN_VALUE + 1) + ",999999999999999999", b.toString());
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
