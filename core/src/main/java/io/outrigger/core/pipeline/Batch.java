package io.outrigger.core.pipeline;

import io.outrigger.core.event.LogRecord;
import java.util.List;

/**
 * Records handed to an output in one send.
 *
 * @param records the records, in the order they were queued
 * @param bytes   the sum of their {@link LogRecord#sizeEstimate()}
 * @param attempt 1 for the first send, then 2, 3... for retries of the same records
 */
public record Batch(List<LogRecord> records, long bytes, int attempt) {

    public Batch {
        records = List.copyOf(records);
    }

    public static Batch of(List<LogRecord> records) {
        long bytes = 0;
        for (LogRecord r : records) bytes += r.sizeEstimate();
        return new Batch(records, bytes, 1);
    }

    public int size() { return records.size(); }

    /** Some of these records sent again at once, not as a retry (a half of a split batch): the same attempt. */
    public Batch part(List<LogRecord> subset) {
        long b = 0;
        for (LogRecord r : subset) b += r.sizeEstimate();
        return new Batch(subset, b, attempt);
    }

    public Batch retry(List<LogRecord> subset) {
        long b = 0;
        for (LogRecord r : subset) b += r.sizeEstimate();
        return new Batch(subset, b, attempt + 1);
    }
}
