package io.outrigger.outputs.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.outrigger.core.event.Fields;
import io.outrigger.core.event.Labels;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.RecordJson;
import io.outrigger.core.event.Value;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

class RecordEncoderTest {

    private static final LogRecord REC = LogRecord.builder().timeNanos(1_700_000_000_123_456_789L)
            .message("GET /x \"ok\" é")
            .fields(Fields.builder().put("app", "web").put("pod", "web-1").put("status", Value.of(200L)).build())
            .labels(Labels.of("team", "core"))
            .build();

    private static String utf8(byte[] b) { return new String(b, StandardCharsets.UTF_8); }

    @Test
    void jsonValueIsTheSharedShape() throws Exception {
        RecordEncoder enc = new RecordEncoder(TopicTemplate.parse("logs"), null, Map.of(), true);
        ProducerRecord<byte[], byte[]> pr = enc.encode(REC);
        assertEquals("logs", pr.topic());
        assertEquals(RecordJson.toJson(REC), utf8(pr.value()));
        assertNull(pr.key());
        assertNull(pr.partition());
        assertNull(pr.timestamp());
        // the buffer is reused: a second record does not carry the first one's text
        LogRecord small = LogRecord.builder().message("x").build();
        assertEquals(RecordJson.toJson(small), utf8(enc.encode(small).value()));
    }

    @Test
    void rawValueIsTheMessageBytes() throws Exception {
        RecordEncoder enc = new RecordEncoder(TopicTemplate.parse("logs"), null, Map.of(), false);
        assertArrayEquals(REC.message().getBytes(StandardCharsets.UTF_8), enc.encode(REC).value());
        // a line kept as its UTF-8 bytes goes out as exactly those bytes
        byte[] read = "caf\u00e9 {\"a\":1}".getBytes(StandardCharsets.UTF_8);
        LogRecord asRead = LogRecord.ofUtf8(0, read, io.outrigger.core.event.Origin.NONE, io.outrigger.core.pipeline.Finalizer.NONE, 0);
        assertArrayEquals(read, enc.encode(asRead).value());
    }

    @Test
    void keyAndHeadersFromFieldsAndLabels() throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-app", "app");
        headers.put("x-status", "status");
        headers.put("x-team", "team");
        headers.put("x-missing", "nope");
        RecordEncoder enc = new RecordEncoder(TopicTemplate.parse("logs-{{app}}"), "pod", headers, true);
        ProducerRecord<byte[], byte[]> pr = enc.encode(REC);
        assertEquals("logs-web", pr.topic());
        assertEquals("web-1", utf8(pr.key()));
        Header[] hs = pr.headers().toArray();
        assertEquals(3, hs.length);
        assertEquals("x-app", hs[0].key());
        assertEquals("web", utf8(hs[0].value()));
        assertEquals("200", utf8(hs[1].value()));
        assertEquals("core", utf8(hs[2].value()));
    }

    @Test
    void missingKeyFieldMeansNoKey() throws Exception {
        RecordEncoder enc = new RecordEncoder(TopicTemplate.parse("logs"), "nope", Map.of(), true);
        assertNull(enc.encode(REC).key());
    }

    @Test
    void aFieldValueThatMakesABadTopicIsUnencodable() {
        RecordEncoder enc = new RecordEncoder(TopicTemplate.parse("logs-{{app}}"), null, Map.of(), true);
        LogRecord bad = LogRecord.builder().message("m").fields(Fields.of("app", Value.of("my app"))).build();
        RecordEncoder.Unencodable e = assertThrows(RecordEncoder.Unencodable.class, () -> enc.encode(bad));
        assertEquals("invalid_topic", e.reason);
        assertEquals("topic template \"logs-{{app}}\" gave \"logs-my app\", not a valid topic name "
                + "(letters, digits, '.', '_', '-', at most 249)", e.getMessage());
    }

    private static LogRecord line(String message) { return LogRecord.builder().timeNanos(1L).message(message).build(); }

    @Test
    void withReuseAValueOfTheSameLengthIsRenderedIntoTheKeptArray() throws Exception {
        RecordEncoder enc = new RecordEncoder(TopicTemplate.parse("logs"), null, Map.of(), true);
        byte[] first = enc.encode(line("line 1"), true).value();
        assertEquals(RecordJson.toJson(line("line 1")), utf8(first));
        byte[] second = enc.encode(line("line 2"), true).value();
        assertSame(first, second, "same length: the kept array, overwritten");
        assertEquals(RecordJson.toJson(line("line 2")), utf8(second));
        byte[] longer = enc.encode(line("line 10"), true).value();
        assertNotSame(second, longer);
        assertEquals(RecordJson.toJson(line("line 10")), utf8(longer), "exactly the value's length");
    }

    @Test
    void withoutReuseOrOverTheLimitEveryValueIsItsOwnArray() throws Exception {
        RecordEncoder enc = new RecordEncoder(TopicTemplate.parse("logs"), null, Map.of(), true);
        byte[] a = enc.encode(line("line 1")).value();
        byte[] b = enc.encode(line("line 2")).value();
        assertNotSame(a, b);
        assertEquals(RecordJson.toJson(line("line 1")), utf8(a), "the first value is left as it was");
        String big = "x".repeat(RecordEncoder.MAX_REUSED_VALUE);
        byte[] c = enc.encode(line(big + "1"), true).value();
        byte[] d = enc.encode(line(big + "2"), true).value();
        assertNotSame(c, d);
        assertEquals(RecordJson.toJson(line(big + "1")), utf8(c));
        assertEquals(RecordJson.toJson(line(big + "2")), utf8(d));
    }

    @Test
    void rawValuesAreNeverReused() throws Exception {
        RecordEncoder enc = new RecordEncoder(TopicTemplate.parse("logs"), null, Map.of(), false);
        byte[] a = enc.encode(line("line 1"), true).value();
        byte[] b = enc.encode(line("line 2"), true).value();
        assertNotSame(a, b);
        assertEquals("line 1", utf8(a));
        assertEquals("line 2", utf8(b));
    }
}
