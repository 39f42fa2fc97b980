package io.outrigger.outputs.elasticsearch;

import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Origin;
import io.outrigger.core.event.JsonBuffer;
import io.outrigger.core.event.RecordJson;
import io.outrigger.core.pipeline.SendResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Renders records into a Bulk API body: one action line and one ECS document line ({@link RecordJson}) per
 * record. Records whose index cannot be rendered are left out and answered {@code Rejected(invalid_record)} up front.
 * Not thread-safe: one per send.
 */
final class BulkEncoder {

    private static final Base64.Encoder ID_ENCODING = Base64.getUrlEncoder().withoutPadding();

    private final IndexTemplate template;
    private final IndexTemplate.Renderer target;
    private final boolean create;
    private final boolean deterministic;
    private final RecordJson json = new RecordJson();
    private final MessageDigest sha256;

    BulkEncoder(IndexTemplate target, boolean dataStream, boolean deterministic) {
        this.template = target;
        this.target = target.renderer();
        this.create = dataStream || deterministic;
        this.deterministic = deterministic;
        try {
            this.sha256 = deterministic ? MessageDigest.getInstance("SHA-256") : null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * One encoded request.
     *
     * @param body     the NDJSON body (ends with a newline); empty when no record could be encoded
     * @param items    for each bulk item, the index of its record in the batch
     * @param upFront  per record of the batch: an answer already known (a rejection), or null when sent
     */
    record Encoded(byte[] body, int[] items, SendResult[] upFront) {
        int itemCount() { return items.length; }
    }

    Encoded encode(List<LogRecord> records) {
        JsonBuffer sb = new JsonBuffer(records.size() * 320);
        int[] items = new int[records.size()];
        SendResult[] upFront = new SendResult[records.size()];
        int n = 0;
        for (int i = 0; i < records.size(); i++) {
            LogRecord r = records.get(i);
            String index = target.render(r);
            if (index == null) {
                upFront[i] = new SendResult.Rejected(io.outrigger.core.pipeline.Reason.INVALID_RECORD,
                        "index template \"" + template.source() + "\": record has no value for " + target.missing());
                continue;
            }
            appendAction(sb, index, r);
            sb.append('\n');
            json.append(sb, r);
            sb.append('\n');
            items[n++] = i;
        }
        return new Encoded(sb.toByteArray(), Arrays.copyOf(items, n), upFront);
    }

    void appendAction(JsonBuffer sb, String index, LogRecord r) {
        sb.appendAscii(create ? "{\"create\":{\"_index\":" : "{\"index\":{\"_index\":");
        sb.appendString(index);
        if (deterministic && r.origin().hasOffset()) {
            sb.appendAscii(",\"_id\":\"").appendAscii(documentId(r)).append('"');
        }
        sb.appendAscii("}}");
    }

    /**
     * A stable id for a record: SHA-256 over its stream id, offset and message, the first 128 bits in base64url
     * (22 characters). The same line read again after a crash gets the same id; a reused inode with other content
     * at the same offset does not.
     */
    String documentId(LogRecord r) {
        Origin o = r.origin();
        sha256.reset();
        sha256.update(o.streamId().getBytes(StandardCharsets.UTF_8));
        long off = o.offset();
        byte[] sep = {0, (byte) (off >>> 56), (byte) (off >>> 48), (byte) (off >>> 40), (byte) (off >>> 32),
                (byte) (off >>> 24), (byte) (off >>> 16), (byte) (off >>> 8), (byte) off, 0};
        sha256.update(sep);
        sha256.update(r.message().getBytes(StandardCharsets.UTF_8));
        byte[] digest = sha256.digest();
        return ID_ENCODING.encodeToString(Arrays.copyOf(digest, 16));
    }
}
