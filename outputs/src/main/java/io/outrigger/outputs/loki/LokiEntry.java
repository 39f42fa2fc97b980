package io.outrigger.outputs.loki;

import io.outrigger.core.event.JsonBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One record made ready for Loki: its position in the batch, its stream (labels already in Prometheus syntax), its
 * time, its rendered line (UTF-8 bytes {@code [lineStart, lineStart + lineLength)} of the send's shared line buffer,
 * so a line costs no String or array of its own) and its structured metadata (name/value pairs, in configured order).
 */
record LokiEntry(int index, String stream, long timeNanos, JsonBuffer lines, int lineStart, int lineLength, List<Pair> metadata) {

    record Pair(String name, String value) {}

    /** An entry with its own line buffer (tests). */
    LokiEntry(int index, String stream, long timeNanos, String line, List<Pair> metadata) {
        this(index, stream, timeNanos, new JsonBuffer(line.length() * 3 + 16).appendUtf8(line), 0,
                line.getBytes(StandardCharsets.UTF_8).length, metadata);
    }

    /** The line's bytes live in {@code lines().array()} from {@link #lineStart()}; this decodes them (tests). */
    String line() {
        return new String(lines.array(), lineStart, lineLength, StandardCharsets.UTF_8);
    }

    LokiEntry withTime(long newTimeNanos) {
        return new LokiEntry(index, stream, newTimeNanos, lines, lineStart, lineLength, metadata);
    }
}
