package io.outrigger.outputs.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Origin;
import io.outrigger.core.pipeline.Batch;
import io.outrigger.core.pipeline.Finalizer;
import io.outrigger.core.pipeline.SendResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileOutputTest {

    @TempDir Path tmp;

    private static Batch batch(String... messages) {
        return Batch.of(java.util.Arrays.stream(messages).map(m -> LogRecord.of(0, m, Origin.NONE, Finalizer.NONE, 0)).toList());
    }

    @Test
    void appendsJsonLinesAndStartsAfterAHalfWrittenLineOnAFreshLine() throws Exception {
        Path file = tmp.resolve("out/records.ndjson");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"message\":\"whole\"}\n{\"message\":\"cut in the mid");
        FileOutputFactory.FileOutput out = new FileOutputFactory.FileOutput(file, false);
        assertInstanceOf(SendResult.Delivered.class, out.send(batch("a", "b")).get());
        out.close();
        List<String> lines = Files.readAllLines(file);
        assertEquals(4, lines.size());
        assertEquals("{\"message\":\"cut in the mid", lines.get(1));
        assertTrue(lines.get(2).startsWith("{\"@timestamp\":\"1970-01-01T00:00:00.000000000Z\",\"message\":\"a\""));
    }

    @Test
    void aMissingDirectoryIsCreatedAndABlockedOneIsRetryable() throws Exception {
        Path blocker = tmp.resolve("blocked");
        Files.writeString(blocker, "a file where a directory should be");
        FileOutputFactory.FileOutput out = new FileOutputFactory.FileOutput(blocker.resolve("x.ndjson"), false);
        SendResult r = out.send(batch("a")).get();
        assertInstanceOf(SendResult.Retryable.class, r);
        Files.delete(blocker);
        assertInstanceOf(SendResult.Delivered.class, out.send(batch("a")).get());
        assertEquals(1, Files.readAllLines(blocker.resolve("x.ndjson")).size());
    }
}
