package io.outrigger.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.outrigger.core.pipeline.Finalizer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordJsonTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void rendersTheEcsLikeShape() throws Exception {
        LogRecord r = LogRecord.builder()
                .timestamp(Instant.parse("2026-11-27T05:00:00.000000123Z"))
                .message("GET /x \"quoted\"\n\u0001")
                .fields(Fields.builder().put("status", Value.of(200)).put("ok", Value.of(true))
                        .put("nested", new Value.Obj(Fields.of("a", Value.of(1.5))))
                        .put("tags", new Value.Arr(List.of(Value.of("x"), Value.NULL)))
                        .put("message", Value.of("from json")).build())
                .labels(Labels.of("app", "checkout", "env", "prod"))
                .origin(new Origin("app", "/var/log/app.log", "1:2", 42, 80))
                .finalizer(Finalizer.NONE)
                .flag(Flag.TRUNCATED)
                .build();
        JsonNode n = mapper.readTree(RecordJson.toJson(r));
        assertEquals("2026-11-27T05:00:00.000000123Z", n.get("@timestamp").asText());
        assertEquals("GET /x \"quoted\"\n\u0001", n.get("message").asText());
        assertEquals(200, n.get("status").asInt());
        assertEquals(1.5, n.get("nested").get("a").asDouble());
        assertEquals(2, n.get("tags").size());
        assertEquals("from json", n.get("fields").get("message").asText(), "colliding field kept, not written twice");
        assertEquals("checkout", n.get("labels").get("app").asText());
        assertEquals("/var/log/app.log", n.get("log").get("file").get("path").asText());
        assertEquals(42, n.get("log").get("offset").asLong());
        assertEquals("truncated", n.get("log").get("flags").get(0).asText());
    }

    @Test
    void eachRecordGetsItsOwnPathWhenFilesAlternate() {
        RecordJson json = new RecordJson();
        JsonBuffer b = new JsonBuffer();
        String[] paths = {"/var/log/a.log", "/var/log/b \"q\".log", new String("/var/log/a.log".toCharArray()), "/var/log/a.log"};
        for (String path : paths) {
            LogRecord r = LogRecord.builder().message("m").origin(new Origin("app", path, "1:2", 0, 2)).build();
            b.reset();
            json.append(b, r);
            assertEquals(RecordJson.toJson(r), b.toString());
            assertEquals("{\"@timestamp\":\"1970-01-01T00:00:00.000000000Z\",\"message\":\"m\",\"log\":{\"file\":{\"path\":"
                    + new JsonBuffer().appendString(path) + "},\"offset\":0}}", b.toString());
        }
    }

    @Test
    void namesSharingACacheSlotAndNamesNeedingEscapesRenderRightEveryTime() {
        assertEquals("Aa".hashCode(), "BB".hashCode(), "the two names hash alike, so they fight over one slot");
        RecordJson json = new RecordJson();
        JsonBuffer b = new JsonBuffer();
        for (int round = 0; round < 3; round++) {
            LogRecord r = LogRecord.builder().message("m").labels(Labels.of("BB", "y").with("Aa", "x"))
                    .fields(Fields.builder().put("Aa", Value.of(1)).put("BB", Value.of(2)).put("q\"uote", Value.of(3))
                            .put(new String("Aa".toCharArray()), Value.of(4)).build())
                    .build();
            b.reset();
            json.append(b, r);
            assertEquals("{\"@timestamp\":\"1970-01-01T00:00:00.000000000Z\",\"message\":\"m\",\"Aa\":4,\"BB\":2,"
                    + "\"q\\\"uote\":3,\"labels\":{\"Aa\":\"x\",\"BB\":\"y\"}}", b.toString(), "round " + round);
        }
    }

    @Test
    void wholeSecondsKeepTheirSeconds() {
        StringBuilder sb = new StringBuilder();
        new RecordJson().appendTimestamp(sb, Instant.parse("2026-11-27T05:00:00Z").getEpochSecond() * 1_000_000_000L);
        assertEquals("2026-11-27T05:00:00.000000000Z", sb.toString());
    }

    @Test
    void repeatedAndAlternatingTimesRenderAsTheyWouldAlone() {
        RecordJson json = new RecordJson();
        long base = Instant.parse("2026-11-27T05:00:59Z").getEpochSecond() * 1_000_000_000L;
        long[] times = {base, base, base + 1, base + 999_999_999L, base + 1_000_000_000L, base, -1, -1, base + 1};
        JsonBuffer b = new JsonBuffer();
        for (long t : times) {
            b.reset();
            json.appendTimestamp(b, t);
            JsonBuffer fresh = new JsonBuffer();
            new RecordJson().appendTimestamp(fresh, t);
            assertEquals(fresh.toString(), b.toString());
            assertEquals(Instant.ofEpochSecond(0, t).toString().replace("Z", ""), b.toString().substring(0, 19) + trimmed(b));
        }
    }

    /** The fraction of an RFC 3339 time as Instant.toString would print it (trailing zero groups dropped). */
    private static String trimmed(JsonBuffer b) {
        String frac = b.toString().substring(19, 29);
        while (frac.endsWith("000") && frac.length() > 1) frac = frac.substring(0, frac.length() - 3);
        return frac.equals(".") ? "" : frac;
    }

    @Test
    void stringValuesKeptRenderedPerNameRenderAsTheyWouldAlone() {
        RecordJson json = new RecordJson();
        JsonBuffer b = new JsonBuffer();
        Value info = Value.of("INFO");
        Value quoted = Value.of("say \"hi\"");
        Value[][] rows = {{info, quoted}, {info, quoted}, {Value.of("INFO"), info}, {quoted, info}, {info, Value.of("x".repeat(300))},
                {info, Value.of(3)}, {info, info}};
        for (Value[] row : rows) {
            // "Aa" and "BB" share a cache slot
            LogRecord r = LogRecord.builder().message("m").fields(Fields.builder().put("Aa", row[0]).put("BB", row[1]).build()).build();
            b.reset();
            json.append(b, r);
            assertEquals(RecordJson.toJson(r), b.toString());
        }
    }

    @Test
    void labelsStaySortedAndFieldsKeepInsertionOrder() {
        Labels l = Labels.of("b", "2").with("a", "1").with("c", "3");
        assertEquals("{a=\"1\", b=\"2\", c=\"3\"}", l.toString());
        Fields f = Fields.builder().put("z", "1").put("a", "2").put("z", "3").build();
        assertEquals("z", f.name(0));
        assertEquals("3", f.get("z").asText());
        assertEquals(2, f.size());
    }
}
