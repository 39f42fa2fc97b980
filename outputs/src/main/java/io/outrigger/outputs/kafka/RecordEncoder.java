package io.outrigger.outputs.kafka;

import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.JsonBuffer;
import io.outrigger.core.event.RecordJson;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Turns a record into a Kafka record: topic from the template, key and headers from fields, the value as the
 * shared JSON shape or the raw message, all as bytes. Not thread-safe (it reuses a buffer): one per thread.
 */
final class RecordEncoder {

    /** A record that cannot become a Kafka record; {@code reason} is a fixed metric label value. */
    static final class Unencodable extends Exception {
        private static final long serialVersionUID = 1L;
        final String reason;

        Unencodable(String reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }

    private static final int MAX_KEPT_CAPACITY = 256 * 1024;
    /**
     * Values up to this size are copied into a kept array of exactly their length when reuse is allowed: one
     * array per length, so at most 2 MiB (the sum of all lengths up to this) per encoder, and usually far less.
     * Varied lines have varied lengths: with fewer slots than lengths, nearly every value took a new array.
     */
    static final int MAX_REUSED_VALUE = 2048;

    private final TopicTemplate topic;
    private final String keyField;
    private final String[] headerNames;
    private final String[] headerFields;
    private final boolean json;
    private final RecordJson recordJson = new RecordJson();
    private final JsonBuffer buffer = new JsonBuffer(1024);
    private final StringBuilder topicScratch = new StringBuilder(64);
    private final byte[][] values = new byte[MAX_REUSED_VALUE + 1][];

    RecordEncoder(TopicTemplate topic, String keyField, Map<String, String> headers, boolean json) {
        this.topic = topic;
        this.keyField = keyField == null || keyField.isEmpty() ? null : keyField;
        this.headerNames = headers.keySet().toArray(String[]::new);
        this.headerFields = headers.values().toArray(String[]::new);
        this.json = json;
    }

    static RecordEncoder of(KafkaOutputConfig c) {
        return new RecordEncoder(TopicTemplate.parse(c.topic()), c.key(), c.headers(), c.format().equals("json"));
    }

    boolean hasConstantTopic() { return topic.isConstant(); }

    /** The Kafka record, with a value array of its own. */
    ProducerRecord<byte[], byte[]> encode(LogRecord r) throws Unencodable {
        return encode(r, false);
    }

    /**
     * The Kafka record. With {@code reuseValue} a JSON value of at most {@value #MAX_REUSED_VALUE} bytes may be
     * an array this encoder kept from an earlier record of the same length, overwritten: only for a producer that
     * is done with the value when {@code send()} returns (KafkaProducer copies it into its batch, and nothing
     * else sees it when no interceptor or custom partitioner is set), and only until the next call.
     */
    ProducerRecord<byte[], byte[]> encode(LogRecord r, boolean reuseValue) throws Unencodable {
        String t = renderTopic(r);
        byte[] key = key(r);
        byte[] value;
        if (json) {
            appendJson(r);
            value = reuseValue ? keptCopy() : buffer.toByteArray();
        } else {
            value = rawMessage(r);
        }
        RecordHeaders headers = null;
        if (headerNames.length > 0) headers = new RecordHeaders(headers(r));
        // No timestamp: the broker's clock (CreateTime = now) keeps retention and the broker's timestamp bounds
        // from dropping replayed old lines; the record's own time is in the JSON body.
        return new ProducerRecord<>(t, null, null, key, value, headers);
    }

    private String renderTopic(LogRecord r) throws Unencodable {
        String t = topic.render(r, topicScratch);
        if (!topic.isConstant() && !TopicTemplate.isValidTopic(t)) {
            throw new Unencodable("invalid_topic", "topic template \"" + topic + "\" gave \"" + t
                    + "\", not a valid topic name (letters, digits, '.', '_', '-', at most 249)");
        }
        return t;
    }

    private byte[] key(LogRecord r) {
        if (keyField == null) return null;
        String k = TopicTemplate.lookup(r, keyField);
        return k == null ? null : k.getBytes(StandardCharsets.UTF_8);
    }

    private void appendJson(LogRecord r) {
        buffer.shrinkTo(MAX_KEPT_CAPACITY);
        recordJson.append(buffer, r);
    }

    private static byte[] rawMessage(LogRecord r) {
        byte[] utf8 = r.utf8Message(); // a line as read: its bytes as they are (the producer only reads them)
        return utf8 != null ? utf8 : r.message().getBytes(StandardCharsets.UTF_8);
    }

    private Header[] headers(LogRecord r) {
        Header[] hs = new Header[headerNames.length];
        int n = 0;
        for (int i = 0; i < headerNames.length; i++) {
            String v = TopicTemplate.lookup(r, headerFields[i]);
            if (v != null) hs[n++] = new RecordHeader(headerNames[i], v.getBytes(StandardCharsets.UTF_8));
        }
        return n == hs.length ? hs : Arrays.copyOf(hs, n);
    }

    /** The buffer's bytes in the kept array of exactly that length (made the first time that length comes). */
    private byte[] keptCopy() {
        int n = buffer.length();
        if (n > MAX_REUSED_VALUE) return buffer.toByteArray();
        byte[] a = values[n];
        if (a == null) values[n] = a = new byte[n];
        System.arraycopy(buffer.array(), 0, a, 0, n);
        return a;
    }
}
