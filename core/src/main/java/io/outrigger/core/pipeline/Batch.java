package io.outrigger.core.pipeline;

import io.outrigger.core.event.LogRecord;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Records handed to an output in one send.
 *
 * @param records     the records, in the order they were queued
 * @param bytes       the sum of their {@link LogRecord#sizeEstimate()}
 * @param attempt     1 for the first send, then 2, 3... for retries of the same records
 * @param encodedSize where the output reports the bytes it encoded these records into (see {@link #encoded})
 */
public record Batch(List<LogRecord> records, long bytes, int attempt, LongConsumer encodedSize) {

    private static final LongConsumer IGNORED = n -> {};

    public Batch {
        records = List.copyOf(records);
        if (encodedSize == null) encodedSize = IGNORED;
    }

    public Batch(List<LogRecord> records, long bytes, int attempt) { this(records, bytes, attempt, null); }

    public static Batch of(List<LogRecord> records) {
        long bytes = 0;
        for (LogRecord r : records) bytes += r.sizeEstimate();
        return new Batch(records, bytes, 1);
    }

    public int size() { return records.size(); }

    /**
     * The output tells how many bytes it encoded these records into: the request body before compression (all of
     * a send's requests together; it may call this once per request). The shared sender learns from it how the
     * records' size estimates compare to what goes on the wire, so {@code batch.max_bytes} means wire bytes.
     */
    public void encoded(long bytes) { encodedSize.accept(bytes); }

    /** This batch, reporting its encoded size to {@code meter}. */
    public Batch meteredBy(LongConsumer meter) { return new Batch(records, bytes, attempt, meter); }

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
