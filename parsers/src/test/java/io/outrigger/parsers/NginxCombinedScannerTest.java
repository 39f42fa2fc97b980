package io.outrigger.parsers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.RecordJson;
import io.outrigger.core.event.Value;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.parsers.StageHarness.Collector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The nginx_combined scanner against the preset regex: same group offsets, or it declines. */
class NginxCombinedScannerTest {

    private static final Pattern PRESET = Pattern.compile(RegexPresets.ALL.get("nginx_combined").pattern());
    private static final int G = NginxCombinedScanner.GROUPS;

    /** The regex's offsets, group 0 included; null when it does not match. */
    private static int[] regex(String s) {
        Matcher m = PRESET.matcher(s);
        if (!m.find()) return null;
        int[] off = new int[2 * G];
        for (int g = 0; g < G; g++) {
            off[2 * g] = m.start(g);
            off[2 * g + 1] = m.end(g);
        }
        return off;
    }

    /** True when the scanner took the line (and then agreed with the regex). */
    private static boolean agrees(String s) {
        int[] off = new int[2 * G];
        Arrays.fill(off, -7);
        if (!NginxCombinedScanner.scan(s, off)) return false;
        int[] expected = regex(s);
        if (expected == null) throw new AssertionError("scanner accepted a line the regex rejects: " + show(s));
        assertArrayEquals(expected, off, () -> "offsets differ for " + show(s));
        return true;
    }

    private static String show(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : (s.length() > 300 ? s.substring(0, 300) + "..." : s).toCharArray()) {
            if (c < 0x20 || c > 0x7e) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }

    @Test
    void presetIsWhatTheScannerFollows() {
        assertTrue(NginxCombinedScanner.fits(PRESET));
        assertFalse(NginxCombinedScanner.fits(Pattern.compile(PRESET.pattern() + " ")));
        assertFalse(NginxCombinedScanner.fits(Pattern.compile(PRESET.pattern(), Pattern.MULTILINE)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "10.0.0.1 - - [27/Nov/2026:05:59:01 +0000] \"GET /api/v1/items?id=3 HTTP/1.1\" 200 512 \"-\" \"curl/8.5.0\"",
            "10.0.0.1 example.com alice [27/Nov/2026:05:59:01 +0000] \"POST /x HTTP/2.0\" 201 - \"https://r/\" \"Mozilla/5.0 (X11)\" 0.003",
            "10.0.0.1 - - [27/Nov/2026:05:59:01 +0000] \"GET / HTTP/1.1\" 200 512",
            "10.0.0.1 - - [27/Nov/2026:05:59:01 +0000] \"GET / HTTP/1.1\" 200 512 \"-\" \"Mozilla/5.0 \"Evil\" Bot\"",
            "10.0.0.1 - - [27/Nov/2026:05:59:01 +0000] \"GET / HTTP/1.1\" 200 512 \"-\" \"a\" \"10.1.1.1\"",
            "10.0.0.1 - - [27/Nov/2026:05:59:01 +0000] \"GET\" 400 0 \"-\" \"-\"",
            "10.0.0.1 - - [27/Nov/2026:05:59:01 +0000] \"-\" 400 0 \"-\" \"-\"",
            "10.0.0.1 - - [27/Nov/2026:05:59:01 +0000] \"GET   /a   HTTP/1.1  x\" 200 1 \"r\" \"a\"",
            "10.0.0.1 - - [27/Nov/2026:05:59:01 +0000] \"GET \" 200 1 \"r\" \"a\"",
            "10.0.0.1 - - [27/Nov/2026:05:59:01 +0000] \"GET /a\" 200 1 \"r\"",
            "10.0.0.1 - - [27/Nov/2026:05:59:01 +0000] \"GET /a\" 200 1  \"r\" \"a\"",
            "10.0.0.1 - - [] \"GET /a HTTP/1.1\" 200  \"r\" \"a\"",
            " - - [x] \"G\"  ",
            "10.0.0.1  - [27/Nov/2026:05:59:01 +0000] \"GET /a HTTP/1.1\" 200 1 \"r\" \"a\""})
    void takesWellFormedLinesAndAgrees(String s) {
        assertTrue(agrees(s), () -> "scanner declined " + s);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "garbage", "10.0.0.1 - - [27/Nov/2026:05:59:01 +0000] \"\" 400 0 \"-\" \"-\"",
            "10.0.0.1 - - [27/Nov/2026:05:59:01 +0000] \"GET /a HTTP/1.1\" 200 1 \"r\" \"a\"\n",
            "10.0.0.1 - - [27/Nov/2026:05:59:01 +0000] \"GET /a HTTP/1.1\" 200 1 \"r\" \"a\" x\ny",
            "10.0.0.1 - - [27/Nov/2026:05:59:01 +0000] \"GET /a HTTP/1.1",
            "10.0.0.1 - - [27/Nov/2026:05:59:01 +0000] \"GET /a HTTP/1.1\" 200",
            "10.0.0.1 - - [27/Nov/2026:05:59:01 +0000]",
            "10.0.0.1 - -  [27/Nov/2026:05:59:01 +0000] \"GET /a HTTP/1.1\" 200 1 \"r\" \"a\""})
    void declinesWhatItIsNotSureOf(String s) {
        int[] off = new int[2 * G];
        assertFalse(NginxCombinedScanner.scan(s, off), () -> "scanner took " + show(s));
    }

    @Test
    void generatedLinesGiveTheRegexOffsets() {
        Random r = new Random(20261127L);
        int taken = 0, normalTaken = 0, normal = 0, templateTaken = 0;
        for (int k = 0; k < 200_000; k++) {
            int kind = r.nextInt(5);
            String s = switch (kind) {
                case 0 -> normalLine(r);
                case 1 -> mutate(normalLine(r), r);
                case 2 -> pieces(r);
                case 3 -> template(r);
                default -> mutate(r.nextBoolean() ? template(r) : pieces(r), r);
            };
            boolean took = agrees(s);
            if (took) taken++;
            if (kind == 3 && took) templateTaken++;
            if (kind == 0) {
                normal++;
                if (took) normalTaken++;
            }
            // the regex's own verdict on every line, so declined lines are covered too
            if (!took) regex(s);
        }
        assertTrue(normalTaken > normal * 0.95, "scanner took only " + normalTaken + " of " + normal + " normal lines");
        assertTrue(templateTaken > 1000, "scanner took only " + templateTaken + " template lines");
        assertTrue(taken < 200_000, "generator produced no line the scanner declines");
    }

    /** The stage built from the preset (scanner first) and one built from the same text as a custom pattern. */
    @Test
    void presetStageGivesTheRecordsOfThePlainRegexStage() throws Exception {
        String custom = StageHarness.MAPPER.writeValueAsString(java.util.Map.of("pattern", PRESET.pattern(),
                "types", java.util.Map.of("code", "int", "size", "int"), "time_format", "dd/MMM/yyyy:HH:mm:ss Z"));
        Stage fast = StageHarness.stage("regex", "{\"preset\":\"nginx_combined\"}");
        Stage plain = StageHarness.stage("regex", custom);
        Collector a = new Collector(), b = new Collector();
        Random r = new Random(7L);
        for (int k = 0; k < 20_000; k++) {
            String s = switch (r.nextInt(3)) {
                case 0 -> normalLine(r);
                case 1 -> template(r);
                default -> mutate(normalLine(r), r);
            };
            fast.process(StageHarness.line(s), a);
            plain.process(StageHarness.line(s), b);
        }
        assertEquals(b.accepted.size(), a.accepted.size());
        assertEquals(b.dropReasons, a.dropReasons);
        assertTrue(a.accepted.size() > 5_000, "few lines parsed: " + a.accepted.size());
        for (int k = 0; k < a.accepted.size(); k++) {
            LogRecord x = a.accepted.get(k), y = b.accepted.get(k);
            assertEquals(RecordJson.toJson(y), RecordJson.toJson(x));
            assertEquals(y.flags(), x.flags());
            assertEquals(y.timeNanos(), x.timeNanos());
        }
        Collector one = new Collector();
        fast.process(StageHarness.line(
                "10.0.0.1 - bob [27/Nov/2026:05:59:01 +0000] \"GET /a HTTP/1.1\" 200 - \"-\" \"curl/8\""), one);
        LogRecord rec = one.accepted.getFirst();
        assertEquals(new Value.Int(200), rec.fields().get("code"));
        assertEquals(null, rec.fields().get("size"));
        assertEquals(new Value.Str("/a"), rec.fields().get("path"));
        assertEquals(new Value.Str("curl/8"), rec.fields().get("agent"));
        assertEquals(java.time.Instant.parse("2026-11-27T05:59:01Z").getEpochSecond() * 1_000_000_000L, rec.timeNanos());
    }

    @Test
    void veryLongLines() {
        String big = "x".repeat(1 << 20);
        for (String s : List.of(
                "10.0.0.1 - - [27/Nov/2026:05:59:01 +0000] \"GET /" + big + " HTTP/1.1\" 200 1 \"r\" \"a\"",
                "10.0.0.1 - - [27/Nov/2026:05:59:01 +0000] \"GET /a HTTP/1.1\" 200 1 \"r\" \"" + big + "\"",
                "10.0.0.1 - - [27/Nov/2026:05:59:01 +0000] \"GET /a HTTP/1.1\" 200 1 \"r\" \"a\" " + big)) {
            assertTrue(agrees(s));
        }
    }

    private static final String[] METHODS = {"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "-", "\\x16\\x03\\x01"};
    private static final String[] PIECES = {" ", "  ", "\"", "\" ", " \"", "[", "]", "] \"", "-", "200", "GET", "/a?b=c",
            "HTTP/1.1", "\n", "\r", "\r\n", "\u0085", "\u2028", "\u2029", "é", "\uD83D\uDE00", "\uD83D", "\t", "10.0.0.1",
            "[27/Nov/2026:05:59:01 +0000]", "\"-\"", "x"};

    private static String normalLine(Random r) {
        StringBuilder b = new StringBuilder();
        b.append(r.nextInt(256)).append('.').append(r.nextInt(256)).append(".0.").append(r.nextInt(256)).append(' ');
        b.append(r.nextBoolean() ? "-" : "host.example").append(' ').append(r.nextBoolean() ? "-" : "bob").append(' ');
        b.append("[27/Nov/2026:05:").append(10 + r.nextInt(50)).append(":01 +0000] \"");
        b.append(METHODS[r.nextInt(METHODS.length)]);
        int req = r.nextInt(10);
        if (req > 0) b.append(' ').append("/p/").append(r.nextInt(1000)).append(r.nextBoolean() ? "?q=1&r=" + r.nextInt() : "");
        if (req > 1) b.append(' ').append(r.nextBoolean() ? "HTTP/1.1" : "HTTP/2.0");
        b.append("\" ").append(r.nextBoolean() ? "200" : "404").append(' ').append(r.nextInt(5) == 0 ? "-" : r.nextInt(100000));
        int tail = r.nextInt(10);
        if (tail > 0) b.append(" \"").append(r.nextBoolean() ? "-" : "https://ref.example/x").append('"');
        if (tail > 1) b.append(" \"Mozilla/5.0 (").append(r.nextInt(100)).append(") Gecko\"");
        if (tail > 8) b.append(" 0.00").append(r.nextInt(10)).append(" \u00e9\uD83D\uDE00");
        return b.toString();
    }

    /** Inserts, deletes or swaps a few characters, or cuts the line. */
    private static String mutate(String s, Random r) {
        StringBuilder b = new StringBuilder(s);
        int edits = 1 + r.nextInt(3);
        for (int e = 0; e < edits; e++) {
            int at = b.isEmpty() ? 0 : r.nextInt(b.length() + 1);
            switch (r.nextInt(4)) {
                case 0 -> b.insert(at, PIECES[r.nextInt(PIECES.length)]);
                case 1 -> { if (at < b.length()) b.deleteCharAt(at); }
                case 2 -> { if (at < b.length()) b.setCharAt(at, PIECES[r.nextInt(PIECES.length)].charAt(0)); }
                default -> b.setLength(at);
            }
        }
        return b.toString();
    }

    private static final char[] ALPHABET = {'a', 'a', 'a', '/', ' ', ' ', '"', '[', ']', '-', '\n', '\r', '\u00e9',
            '\u2028'};

    /** Random short text, mostly harmless, sometimes holding a delimiter or a line terminator. */
    private static String field(Random r) {
        StringBuilder b = new StringBuilder();
        int len = r.nextInt(4);
        for (int k = 0; k < len; k++) b.append(r.nextInt(3) == 0 ? ALPHABET[r.nextInt(ALPHABET.length)] : 'a');
        return b.toString();
    }

    /** The preset's layout with random field texts: lines close to the regex's edge cases. */
    private static String template(Random r) {
        StringBuilder b = new StringBuilder();
        b.append(field(r)).append(' ').append(field(r)).append(' ').append(field(r)).append(" [").append(field(r))
                .append("] \"").append(field(r));
        if (r.nextBoolean()) b.append(" ".repeat(r.nextInt(3))).append(field(r));
        if (r.nextBoolean()) b.append(" ".repeat(r.nextInt(3))).append(field(r));
        b.append("\" ").append(field(r)).append(' ').append(field(r));
        if (r.nextBoolean()) b.append(" \"").append(field(r)).append("\" \"").append(field(r)).append('"');
        if (r.nextBoolean()) b.append(field(r));
        return b.toString();
    }

    /** A line made of random pieces of access-log syntax. */
    private static String pieces(Random r) {
        List<String> parts = new ArrayList<>();
        int count = r.nextInt(30);
        for (int p = 0; p < count; p++) parts.add(PIECES[r.nextInt(PIECES.length)]);
        return String.join(r.nextBoolean() ? "" : " ", parts);
    }
}
