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

    @Test
    void aWriteCutByAFullDiskLeavesNoTornLine() throws Exception {
        Path file = tmp.resolve("records.ndjson");
        Files.writeString(file, "{\"message\":\"before\"}\n");
        long[] room = {100, 0, Long.MAX_VALUE}; // the first attempt is cut mid-record, the second finds no room, then space is freed
        int[] opens = {0};
        FileOutputFactory.FileOutput out = new FileOutputFactory.FileOutput(file, false, p -> new FullDiskChannel(
                java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.APPEND),
                room[Math.min(opens[0]++, room.length - 1)]));
        SendResult first = out.send(batch("alpha", "beta", "gamma")).get();
        assertEquals("No space left on device", assertInstanceOf(SendResult.Retryable.class, first).detail());
        assertEquals("{\"message\":\"before\"}\n", Files.readString(file), "cut back to the last complete record");
        assertInstanceOf(SendResult.Retryable.class, out.send(batch("alpha", "beta", "gamma")).get());
        assertInstanceOf(SendResult.Delivered.class, out.send(batch("alpha", "beta", "gamma")).get());
        out.close();
        List<String> lines = Files.readAllLines(file);
        assertEquals(4, lines.size(), String.join("\n", lines));
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String line : lines) json.readTree(line); // each line whole JSON: nothing torn, nothing glued
        assertTrue(lines.get(3).contains("\"message\":\"gamma\""));
    }
}
