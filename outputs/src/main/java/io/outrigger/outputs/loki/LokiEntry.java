package io.outrigger.outputs.loki;

import java.util.List;

/**
 * One record made ready for Loki: its position in the batch, its stream (labels already in Prometheus syntax), its
 * time, the rendered line and its structured metadata (name/value pairs, in configured order).
 */
record LokiEntry(int index, String stream, long timeNanos, String line, List<Pair> metadata) {

    record Pair(String name, String value) {}

    LokiEntry withTime(long newTimeNanos) { return new LokiEntry(index, stream, newTimeNanos, line, metadata); }
}
