package io.outrigger.outputs.file;

import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.RecordJson;
import io.outrigger.core.pipeline.Batch;
import io.outrigger.core.pipeline.SendResult;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Renders a batch as JSON lines into one buffer and writes it with a single call, shared by the stdout and file
 * outputs. Callers serialise access (the outputs are synchronous and hold a lock while writing).
 */
final class JsonLinesWriter {

    private final RecordJson json = new RecordJson();
    private final StringBuilder sb = new StringBuilder(1 << 16);

    SendResult write(Batch batch, OutputStream out) {
        sb.setLength(0);
        for (LogRecord r : batch.records()) {
            json.append(sb, r);
            sb.append('\n');
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        if (sb.capacity() > (1 << 22)) sb.trimToSize();
        try {
            out.write(bytes);
            out.flush();
            return SendResult.DELIVERED;
        } catch (IOException e) {
            return new SendResult.Retryable("io_error", e.getMessage());
        }
    }
}
