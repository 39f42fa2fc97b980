package io.outrigger.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.outrigger.core.pipeline.Finalizer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A record kept as the UTF-8 bytes of its line reads, copies and renders exactly as one given as text. */
class LogRecordUtf8Test {

    private static final String LINE = "{\"level\":\"INFO\",\"msg\":\"caf\u00e9 \u4e2d\\n\"}\t\u2028end";
    private static final Origin ORIGIN = new Origin("app", "/var/log/app.log", "1:2", 10, 60);

    private static LogRecord bytes() {
        return LogRecord.ofUtf8(1_000_000_123L, LINE.getBytes(StandardCharsets.UTF_8), ORIGIN, Finalizer.NONE, 0);
    }

    private static LogRecord text() { return LogRecord.of(1_000_000_123L, LINE, ORIGIN, Finalizer.NONE, 0); }

    @Test
    void theMessageDecodesOnceAndStaysTheSameText() {
        LogRecord r = bytes();
        assertEquals(LINE, r.message());
        assertSame(r.message(), r.message());
        assertEquals(LINE, new String(r.utf8Message(), StandardCharsets.UTF_8));
        assertNull(text().utf8Message());
    }

    @Test
    void rendersExactlyAsTheTextRecord() {
        assertEquals(RecordJson.toJson(text()), RecordJson.toJson(bytes()));
        LogRecord withFields = bytes().toBuilder().fields(Fields.of("n", new Value.Int(3))).build();
        LogRecord textWithFields = text().toBuilder().fields(Fields.of("n", new Value.Int(3))).build();
        assertEquals(RecordJson.toJson(textWithFields), RecordJson.toJson(withFields));
    }

    @Test
    void copiesKeepTheBytesUntilTheMessageIsRewritten() {
        LogRecord r = bytes();
        r.message(); // decoded once: the copy still holds one form only
        LogRecord copy = r.toBuilder().flag(Flag.TRUNCATED).build();
        assertSame(r.utf8Message(), copy.utf8Message());
        assertEquals(r.sizeEstimate(), copy.sizeEstimate());
        LogRecord rewritten = r.toBuilder().message("new text").build();
        assertNull(rewritten.utf8Message());
        assertEquals("new text", rewritten.message());
        assertEquals(RecordJson.toJson(text().toBuilder().message("new text").build()), RecordJson.toJson(rewritten));
    }

    @Test
    void theSizeCountsTheBytes() {
        assertEquals(text().sizeEstimate() - LINE.length() + LINE.getBytes(StandardCharsets.UTF_8).length,
                bytes().sizeEstimate());
    }
}
