package io.outrigger.parsers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.outrigger.core.event.Fields;
import io.outrigger.core.event.Flag;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Origin;
import io.outrigger.core.event.Value;
import io.outrigger.core.pipeline.Finalizer;
import io.outrigger.core.pipeline.StageOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random JSON documents (seeded) and random corruptions of them: the json stage (jackson-core's tokens, nesting
 * walked on an explicit stack) must accept exactly what a plain recursive reading of Jackson's tokens accepts, with
 * the same fields in the same order, and reject the rest. Each line goes in
 * both ways a record can hold it, as text ({@link LogRecord#of}) and as UTF-8 bytes ({@link LogRecord#ofUtf8}, as
 * the file input makes it), which must give the same fields or the same rejection, with the same message.
 *
 * <p>Like with like: the parser reads UTF-8, and a lone surrogate char (which a corruption can make by cutting a
 * pair) has no UTF-8 form: {@code getBytes} makes it {@code '?'}. So Jackson is given the text the bytes stand for
 * (the same text unless it held a lone surrogate), which is also what a bytes record decodes to.
 */
class JsonDifferentialTest {

    private static final String REJECTED = "rejected";
    private static final JsonFactory JACKSON = JsonFactory.builder().build();
    private static final String[] KEYS = {"a", "b", "level", "msg", "ts", "http", "status", "", "k\\\"q", "caf\\u00e9",
        "日本", "x.y", "a\\nb", "duplicate", "\\ud83d\\ude00", "long_key_" + "z".repeat(70)};
    private static final String CORRUPTIONS = "{}[],:\"\\ 0123456789-+.eEtrufalsnx\u0001\n\t\u00a0\u00e9";

    @Test
    void agreesWithJacksonOnRandomDocumentsAndTheirCorruptions() {
        Random rnd = new Random(20261127);
        JsonStage nested = stage(false);
        JsonStage flat = stage(true);
        int accepted = 0;
        int loneSurrogates = 0;
        int corruptAccepted = 0;
        int corruptRejected = 0;
        for (int doc = 0; doc < 20_000; doc++) {
            StringBuilder sb = new StringBuilder();
            ws(rnd, sb);
            object(rnd, sb, 0);
            ws(rnd, sb);
            String json = sb.toString();
            boolean flatten = rnd.nextBoolean();
            JsonStage p = flatten ? flat : nested;
            String expected = jackson(json, flatten);
            assertEquals(expected, ours(p, json), json);
            if (!expected.equals(REJECTED)) accepted++;
            for (int c = 0; c < 5; c++) {
                String bad = corrupt(rnd, json);
                String line = asUtf8Decodes(bad);
                if (!line.equals(bad)) loneSurrogates++;
                String exp = jackson(line, flatten);
                assertEquals(exp, ours(p, bad), () -> "corrupted: " + bad + "\noriginal:  " + json);
                if (exp.equals(REJECTED)) corruptRejected++;
                else corruptAccepted++;
            }
        }
        // a few generated keys hold a random lone surrogate escape, which Jackson (and we) reject in keys
        assertTrue(accepted > 19_000, accepted + " valid documents");
        assertTrue(corruptRejected > 50_000 && corruptAccepted > 5_000, corruptRejected + " / " + corruptAccepted);
        assertTrue(loneSurrogates > 10, loneSurrogates + " corrupted lines with a lone surrogate");
    }

    @Test
    void agreesWithJacksonOnTheEdgeCaseTables() {
        java.util.List<String> inputs = new java.util.ArrayList<>();
        JsonParseTablesTest.valid().forEach(a -> inputs.add((String) a.get()[0]));
        JsonParseTablesTest.invalid().forEach(a -> inputs.add((String) a.get()[0]));
        for (String digits : new String[] {"1".repeat(1000), "1".repeat(1001), "-" + "1".repeat(1000),
            "1." + "1".repeat(999), "1." + "1".repeat(1000), "1" .repeat(999) + ".5", "1".repeat(1000) + ".5",
            "1." + "1".repeat(997) + "e5", "1." + "1".repeat(998) + "e5", "1e" + "0".repeat(999), "1e" + "0".repeat(1000)}) {
            inputs.add("{\"n\":" + digits + "}");
        }
        for (int depth : new int[] {999, 1000, 1001}) {
            inputs.add("{\"a\":".repeat(depth) + "1" + "}".repeat(depth));
            inputs.add("{\"a\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "}");
            inputs.add("{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + "}");
        }
        for (boolean flatten : new boolean[] {false, true}) {
            JsonStage p = stage(flatten);
            for (String json : inputs) {
                assertEquals(jackson(asUtf8Decodes(json), flatten), ours(p, json), json.length() > 300 ? json.substring(0, 300) : json);
            }
        }
    }

    private static JsonStage stage(boolean flatten) {
        return new JsonStage(new JsonConfig(null, flatten, null), new ParseErrors(StageHarness.context(), "json"));
    }

    /** The text the line's UTF-8 encoding stands for: the line, with any lone surrogate as '?'. */
    private static String asUtf8Decodes(String json) {
        return new String(json.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    /**
     * The stage's fields for the line ({@link JsonCanon}) or {@value #REJECTED}, after checking that a text record
     * and a bytes record of it give the same fields or the same parse error.
     */
    private static String ours(JsonStage st, String json) {
        LogRecord asText = LogRecord.of(0, json, Origin.NONE, Finalizer.NONE, 0);
        LogRecord asBytes = LogRecord.ofUtf8(0, json.getBytes(StandardCharsets.UTF_8), Origin.NONE, Finalizer.NONE, 0);
        String text = outcome(st, asText);
        String bytes = outcome(st, asBytes);
        assertEquals(text, bytes, () -> "a text record and a bytes record differ: " + json);
        return text.startsWith(REJECTED) ? REJECTED : text;
    }

    private static String outcome(JsonStage st, LogRecord r) {
        LogRecord[] out = new LogRecord[1];
        st.process(r, new StageOutput() {
            @Override public void accept(LogRecord record) { out[0] = record; }

            @Override public void drop(LogRecord record, String reason) { throw new AssertionError("dropped: " + reason); }
        });
        if (out[0].has(Flag.PARSE_ERROR)) return REJECTED + ": " + out[0].fields().get(ParseErrors.FIELD).asText();
        return JsonCanon.of(out[0].fields());
    }

    // ---- generator

    private static void object(Random rnd, StringBuilder sb, int depth) {
        sb.append('{');
        int n = rnd.nextInt(depth == 0 ? 8 : 5);
        for (int i = 0; i < n; i++) {
            if (i > 0) sb.append(',');
            ws(rnd, sb);
            sb.append('"').append(rnd.nextInt(3) == 0 ? randomString(rnd) : KEYS[rnd.nextInt(KEYS.length)]).append('"');
            ws(rnd, sb);
            sb.append(':');
            ws(rnd, sb);
            value(rnd, sb, depth + 1);
            ws(rnd, sb);
        }
        sb.append('}');
    }

    private static void value(Random rnd, StringBuilder sb, int depth) {
        int kind = rnd.nextInt(depth > 4 ? 6 : 8);
        switch (kind) {
            case 0, 1 -> sb.append('"').append(randomString(rnd)).append('"');
            case 2 -> sb.append(randomNumber(rnd));
            case 3 -> sb.append(randomNumber(rnd));
            case 4 -> sb.append(new String[] {"true", "false", "null"}[rnd.nextInt(3)]);
            case 5 -> sb.append(rnd.nextBoolean() ? "{}" : "[]");
            case 6 -> object(rnd, sb, depth);
            default -> {
                sb.append('[');
                int n = rnd.nextInt(4);
                for (int i = 0; i < n; i++) {
                    if (i > 0) sb.append(',');
                    ws(rnd, sb);
                    value(rnd, sb, depth + 1);
                    ws(rnd, sb);
                }
                sb.append(']');
            }
        }
    }

    private static String randomString(Random rnd) {
        StringBuilder sb = new StringBuilder();
        int n = rnd.nextInt(12);
        for (int i = 0; i < n; i++) {
            switch (rnd.nextInt(12)) {
                case 0 -> sb.append(new String[] {"\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"}[rnd.nextInt(8)]);
                case 1 -> sb.append(String.format(rnd.nextBoolean() ? "\\u%04x" : "\\u%04X", rnd.nextInt(0x10000)));
                case 2 -> sb.append("\\ud83d\\ude00");
                case 3 -> sb.append(new String[] {"é", "日本", "😀", "\uFFFD", "\u007f", "\u00a0", "\u2028"}[rnd.nextInt(7)]);
                case 4 -> sb.append(' ');
                default -> sb.append((char) ('a' + rnd.nextInt(26)));
            }
        }
        return sb.toString();
    }

    private static String randomNumber(Random rnd) {
        String sign = rnd.nextInt(3) == 0 ? "-" : "";
        return switch (rnd.nextInt(10)) {
            case 0 -> sign + "0";
            case 1 -> sign + rnd.nextInt(1000);
            case 2 -> Long.toString(rnd.nextLong());
            case 3 -> sign + digits(rnd, 17 + rnd.nextInt(6));                    // around the long limit
            case 4 -> sign + digits(rnd, 1 + rnd.nextInt(40));
            case 5 -> sign + rnd.nextInt(100_000) + "." + digits0(rnd, 1 + rnd.nextInt(6));
            case 6 -> sign + digits(rnd, 1 + rnd.nextInt(3)) + "." + digits0(rnd, 1 + rnd.nextInt(25));
            case 7 -> sign + rnd.nextInt(10) + (rnd.nextBoolean() ? "." + digits0(rnd, 1 + rnd.nextInt(4)) : "")
                    + (rnd.nextBoolean() ? "e" : "E") + new String[] {"", "+", "-"}[rnd.nextInt(3)] + rnd.nextInt(400);
            case 8 -> sign + "0." + "0".repeat(rnd.nextInt(30)) + digits(rnd, 1 + rnd.nextInt(18));
            default -> Double.toString(rnd.nextDouble() * Math.pow(10, rnd.nextInt(40) - 20)).replace("E", "e");
        };
    }

    /** n digits, no leading zero. */
    private static String digits(Random rnd, int n) {
        return (char) ('1' + rnd.nextInt(9)) + digits0(rnd, n - 1);
    }

    private static String digits0(Random rnd, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) sb.append((char) ('0' + rnd.nextInt(10)));
        return sb.toString();
    }

    private static void ws(Random rnd, StringBuilder sb) {
        if (rnd.nextInt(4) != 0) return;
        int n = 1 + rnd.nextInt(3);
        for (int i = 0; i < n; i++) sb.append(" \t\n\r".charAt(rnd.nextInt(4)));
    }

    private static String corrupt(Random rnd, String s) {
        if (s.isEmpty()) return s;
        int at = rnd.nextInt(s.length());
        char c = CORRUPTIONS.charAt(rnd.nextInt(CORRUPTIONS.length()));
        return switch (rnd.nextInt(6)) {
            case 0 -> s.substring(0, at) + s.substring(at + 1);                      // delete
            case 1 -> s.substring(0, at) + c + s.substring(at);                       // insert
            case 2 -> s.substring(0, at) + c + s.substring(at + 1);                   // replace
            case 3 -> s.substring(0, at);                                             // truncate
            case 4 -> {                                                               // repeat a slice
                int end = Math.min(s.length(), at + 1 + rnd.nextInt(10));
                yield s.substring(0, end) + s.substring(at, end) + s.substring(end);
            }
            default -> {                                                              // change a digit
                int d = -1;
                for (int i = 0; i < s.length(); i++) {
                    if (Character.isDigit(s.charAt((at + i) % s.length()))) {
                        d = (at + i) % s.length();
                        break;
                    }
                }
                yield d < 0 ? s : s.substring(0, d) + (char) ('0' + rnd.nextInt(10)) + s.substring(d + 1);
            }
        };
    }

    // ---- the json stage's former Jackson streaming code, as the reference

    static String jackson(String text, boolean flatten) {
        if (text.isBlank()) return REJECTED;
        Fields.Builder fields = Fields.builder();
        try (JsonParser p = JACKSON.createParser(text.getBytes(StandardCharsets.UTF_8))) {
            if (p.nextToken() != JsonToken.START_OBJECT) return REJECTED;
            readObject(p, fields, null, flatten);
            if (p.nextToken() != null) return REJECTED;
        } catch (IOException | RuntimeException e) {
            return REJECTED;
        }
        return JsonCanon.of(fields.build());
    }

    /** A plain recursive reading of one value, the reference for the stage's iterative walk. */
    private static Value value(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case VALUE_STRING -> new Value.Str(p.getText());
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? new Value.Float(p.getDoubleValue()) : new Value.Int(p.getLongValue());
            case VALUE_NUMBER_FLOAT -> new Value.Float(p.getDoubleValue());
            case VALUE_TRUE -> Value.TRUE;
            case VALUE_FALSE -> Value.FALSE;
            case VALUE_NULL -> Value.NULL;
            case START_OBJECT -> {
                Fields.Builder nested = Fields.builder();
                readObject(p, nested, null, false);
                yield new Value.Obj(nested.build());
            }
            case START_ARRAY -> {
                java.util.List<Value> items = new java.util.ArrayList<>();
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) items.add(value(p, e));
                yield new Value.Arr(items);
            }
            default -> throw new IOException("unexpected token " + t);
        };
    }

    private static void readObject(JsonParser p, Fields.Builder into, String prefix, boolean flatten) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            String key = prefix == null ? name : prefix + '.' + name;
            JsonToken v = p.nextToken();
            if (v == JsonToken.START_OBJECT && flatten) {
                int before = into.size();
                readObject(p, into, key, true);
                if (into.size() == before) into.put(key, new Value.Obj(Fields.EMPTY));
            } else {
                into.put(key, value(p, v));
            }
        }
        if (t != JsonToken.END_OBJECT) throw new IOException("unexpected token " + t);
    }
}
