package io.outrigger.core.delivery;

import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.RecordJson;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Where records a server refused go: one JSON line per record in {@code <data_dir>/dead-letters/<output>.ndjson},
 * {@code {"time":..,"output":..,"reason":..,"detail":..,"record":{...}}}, so an operator can see why, fix and
 * replay them. Never retried. Written through to the OS on each call; bounded by {@code maxBytes} per output, past
 * which records are counted as dropped instead (a full disk must not stop the agent).
 */
public final class DeadLetters {

    private final Path dir;
    private final long maxBytes;

    /** @param dir null writes nothing (dry runs); every call then returns false */
    public DeadLetters(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
    }

    public Path fileFor(String output) { return dir == null ? null : dir.resolve(output + ".ndjson"); }

    /**
     * Appends the records. Returns true when they are safely written; false when they could not be (no
     * directory, the size cap reached, an I/O error), in which case the caller counts them as dropped.
     */
    public synchronized boolean write(String output, List<LogRecord> records, String reason, String detail, long nowMillis) {
        if (dir == null || records.isEmpty()) return false;
        Path file = fileFor(output);
        try {
            Files.createDirectories(dir);
            long size = Files.exists(file) ? Files.size(file) : 0;
            StringBuilder sb = new StringBuilder(256 * records.size());
            RecordJson json = new RecordJson();
            for (LogRecord r : records) {
                sb.append("{\"time\":\"");
                json.appendTimestamp(sb, nowMillis * 1_000_000L);
                sb.append("\",\"output\":");
                RecordJson.appendString(sb, output);
                sb.append(",\"reason\":");
                RecordJson.appendString(sb, reason);
                sb.append(",\"detail\":");
                RecordJson.appendString(sb, detail.length() > 2000 ? detail.substring(0, 2000) + "..." : detail);
                sb.append(",\"record\":");
                json.append(sb, r);
                sb.append("}\n");
            }
            byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
            if (size + bytes.length > maxBytes) return false;
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                out.write(bytes);
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
