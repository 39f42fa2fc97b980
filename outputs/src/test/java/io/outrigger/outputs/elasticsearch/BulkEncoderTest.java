package io.outrigger.outputs.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.event.Fields;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Origin;
import io.outrigger.core.event.RecordJson;
import io.outrigger.core.event.Value;
import io.outrigger.core.pipeline.Reason;
import io.outrigger.core.pipeline.SendResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BulkEncoderTest {

    private static String[] lines(BulkEncoder.Encoded e) {
        String body = new String(e.body(), StandardCharsets.UTF_8);
        assertTrue(body.endsWith("\n"), "a bulk body ends with a newline");
        return body.split("\n");
    }

    @Test
    void indexModeWritesIndexActionsWithDateMathAndEcsDocuments() {
        BulkEncoder enc = new BulkEncoder(IndexTemplate.parse("logs-app-%{+yyyy.MM.dd}", true), false, false);
        LogRecord r = Fixtures.record(1, Fields.of("level", Value.of("info")));
        String[] lines = lines(enc.encode(List.of(r, Fixtures.record(2))));
        assertEquals(4, lines.length);
        assertEquals("{\"index\":{\"_index\":\"logs-app-2026.11.27\"}}", lines[0]);
        assertEquals(RecordJson.toJson(r), lines[1]);
        assertTrue(lines[1].startsWith("{\"@timestamp\":\"2026-11-27T05:00:01.123000000Z\",\"message\":\"line 1\",\"level\":\"info\""), lines[1]);
        assertTrue(lines[1].contains("\"labels\":{\"app\":\"checkout\"}"), lines[1]);
        assertTrue(lines[1].contains("\"log\":{\"file\":{\"path\":\"/var/log/app.log\"},\"offset\":100}"), lines[1]);
    }

    @Test
    void dataStreamModeUsesCreate() {
        BulkEncoder enc = new BulkEncoder(IndexTemplate.parse("logs-app-default", false), true, false);
        assertEquals("{\"create\":{\"_index\":\"logs-app-default\"}}", lines(enc.encode(List.of(Fixtures.record(1))))[0]);
    }

    @Test
    void deterministicIdsAreStableAcrossEncodersAndDifferPerRecord() {
        IndexTemplate t = IndexTemplate.parse("logs-app", true);
        String first = lines(new BulkEncoder(t, false, true).encode(List.of(Fixtures.record(1))))[0];
        String again = lines(new BulkEncoder(t, false, true).encode(List.of(Fixtures.record(1))))[0];
        assertEquals(first, again);
        assertTrue(first.matches("\\{\"create\":\\{\"_index\":\"logs-app\",\"_id\":\"[A-Za-z0-9_-]{22}\"}}"), first);

        BulkEncoder enc = new BulkEncoder(t, false, true);
        LogRecord base = Fixtures.record(1);
        String id = enc.documentId(base);
        Origin o = base.origin();
        assertNotEquals(id, enc.documentId(base.toBuilder().origin(new Origin(o.input(), o.path(), o.streamId(), 200, 299)).build()));
        assertNotEquals(id, enc.documentId(base.toBuilder().origin(new Origin(o.input(), o.path(), "2049:9999", 100, 199)).build()));
        // a reused inode with other content at the same offset is another document
        assertNotEquals(id, enc.documentId(base.toBuilder().message("other").build()));
        // the time is not part of the id: a line read again later is the same document
        assertEquals(id, enc.documentId(base.toBuilder().timeNanos(0).build()));
    }

    @Test
    void recordWithoutOffsetGetsAnAutomaticIdEvenInDeterministicMode() {
        BulkEncoder enc = new BulkEncoder(IndexTemplate.parse("logs-app", true), false, true);
        LogRecord r = LogRecord.builder().message("x").origin(Origin.of("in", "stdin")).build();
        assertEquals("{\"create\":{\"_index\":\"logs-app\"}}", lines(enc.encode(List.of(r)))[0]);
    }

    @Test
    void recordWithMissingIndexFieldIsRejectedUpFrontAndLeftOut() {
        BulkEncoder enc = new BulkEncoder(IndexTemplate.parse("logs-%{[team]}", true), false, false);
        LogRecord ok = Fixtures.record(1, Fields.of("team", Value.of("Pay")));
        BulkEncoder.Encoded e = enc.encode(List.of(Fixtures.record(0), ok, Fixtures.record(2)));
        assertArrayEquals(new int[] {1}, e.items());
        String[] lines = lines(e);
        assertEquals(2, lines.length);
        assertEquals("{\"index\":{\"_index\":\"logs-pay\"}}", lines[0]);
        SendResult.Rejected rejected = assertInstanceOf(SendResult.Rejected.class, e.upFront()[0]);
        assertEquals("invalid_record", rejected.reason().label());
        assertEquals("index template \"logs-%{[team]}\": record has no value for [team]", rejected.detail());
        assertNull(e.upFront()[1]);
    }

    @Test
    void jsonSpecialCharactersInMessagesStayOnOneLine() {
        BulkEncoder enc = new BulkEncoder(IndexTemplate.parse("logs", true), false, false);
        LogRecord r = Fixtures.record(1).toBuilder().message("a\nb\"c\u2028").build();
        String[] lines = lines(enc.encode(List.of(r)));
        assertEquals(2, lines.length);
        assertTrue(lines[1].contains("\"message\":\"a\\nb\\\"c\\u2028\""), lines[1]);
    }
}
