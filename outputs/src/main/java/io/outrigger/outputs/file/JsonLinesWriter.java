package io.outrigger.outputs.file;

import io.outrigger.core.event.JsonBuffer;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.RecordJson;
import io.outrigger.core.pipeline.Batch;
import io.outrigger.core.pipeline.Reason;
import io.outrigger.core.pipeline.SendResult;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Renders a batch as JSON lines straight into one UTF-8 buffer and writes it with a single call, shared by the
 * stdout and file outputs. Callers serialise access (the outputs are synchronous and hold a lock while writing).
 */
final class JsonLinesWriter {

    private static final int MAX_RETAINED = 8 << 20;

    private final RecordJson json = new RecordJson();
    private final JsonBuffer buffer = new JsonBuffer(1 << 16);

    SendResult write(Batch batch, OutputStream out) {
        buffer.reset();
        for (LogRecord r : batch.records()) {
            json.append(buffer, r);
            buffer.append('\n');
        }
        try {
            batch.encoded(buffer.length());
            buffer.writeTo(out);
            out.flush();
            return SendResult.DELIVERED;
        } catch (IOException e) {
            return new SendResult.Retryable(Reason.IO_ERROR, e.getMessage());
        } finally {
            buffer.shrinkTo(MAX_RETAINED);
        }
    }
}
