package io.outrigger.inputs.file;

import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Origin;
import io.outrigger.core.pipeline.Finalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * The file input's line handling for bytes that do not come from a tailed file ({@code dry-run}, {@code test}):
 * the same {@link LineSplitter}, so {@code max_line_bytes} cuts and flags a long line, invalid UTF-8 is replaced and
 * flagged, {@code \r\n} ends a line, and empty lines are kept or skipped per {@code skip_empty_lines}, exactly as
 * {@code run} reads a file. A last line without a newline is given out as the file input does when its writer goes
 * quiet.
 */
public final class FileLines {

    private FileLines() {}

    /** The records the file input would make of {@code data}, each with its offsets in it. */
    public static List<LogRecord> records(byte[] data, FileInputConfig config, String input, String path, String streamId,
                                          long timeNanos) {
        LineSplitter splitter = new LineSplitter((int) config.maxLineBytes().bytes(), 0, config.skipEmptyLines());
        LineSplitter.LineBatch batch = new LineSplitter.LineBatch();
        splitter.feed(data, data.length, 0, batch);
        if (splitter.hasPartial()) splitter.flushPartial(data.length, batch);
        List<LogRecord> records = new ArrayList<>(batch.size);
        for (int i = 0; i < batch.size; i++) {
            Origin origin = new Origin(input, path, streamId, batch.starts[i], batch.ends[i]);
            records.add(batch.messages[i] instanceof byte[] utf8
                    ? LogRecord.ofUtf8(timeNanos, utf8, origin, Finalizer.NONE, batch.flags[i])
                    : LogRecord.of(timeNanos, (String) batch.messages[i], origin, Finalizer.NONE, batch.flags[i]));
        }
        return records;
    }
}
