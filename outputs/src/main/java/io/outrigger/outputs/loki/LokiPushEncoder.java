package io.outrigger.outputs.loki;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.outrigger.core.event.JsonBuffer;
import io.outrigger.core.event.Labels;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;
import org.xerial.snappy.Snappy;

/**
 * Encodes Loki push requests into reused buffers, so a push costs no object per entry and no copy of the body:
 * <ul>
 * <li>each send renders its lines into one {@link JsonBuffer} ({@link #lineBuffer()}), which its entries point
 *     into;</li>
 * <li>{@code logproto.PushRequest} is written field by field with protobuf's {@link CodedOutputStream} over a kept
 *     byte array (message sizes computed first, as the generated code's {@code getSerializedSize} does), which is
 *     Snappy block compressed into another kept array and handed back at once; or the JSON body is written into a
 *     kept {@link JsonBuffer};</li>
 * <li>the request body ({@link Body}) writes the compressed array (or the JSON) to the socket; {@link Body#release()}
 *     returns it once the call has completed.</li>
 * </ul>
 * The bytes are exactly what the generated {@code LokiPush.PushRequest} serialises to (fields in number order,
 * proto3 defaults left out), which {@code LokiPushEncoderTest} checks. Thread-safe: buffers come from small pools
 * (they live in the old generation, so each is sized to what it holds, rounded up to 64KiB, not doubled); one over
 * {@value #MAX_RETAINED} bytes is dropped rather than kept, so one huge batch does not pin memory.
 */
final class LokiPushEncoder {

    static final MediaType PROTOBUF = MediaType.get(LokiEncoder.PROTOBUF_TYPE);
    static final MediaType JSON = MediaType.get(LokiEncoder.JSON_TYPE);
    static final int MAX_RETAINED = 4 << 20;
    private static final int GRAIN = 64 << 10;

    private static final int STREAMS = 1;           // PushRequest.streams
    private static final int STREAM_LABELS = 1;     // StreamAdapter.labels
    private static final int STREAM_ENTRIES = 2;    // StreamAdapter.entries
    private static final int ENTRY_TIMESTAMP = 1;   // EntryAdapter.timestamp
    private static final int ENTRY_LINE = 2;        // EntryAdapter.line
    private static final int ENTRY_METADATA = 3;    // EntryAdapter.structuredMetadata
    private static final int TS_SECONDS = 1;        // google.protobuf.Timestamp.seconds
    private static final int TS_NANOS = 2;          // google.protobuf.Timestamp.nanos
    private static final int PAIR_NAME = 1;         // LabelPairAdapter.name
    private static final int PAIR_VALUE = 2;        // LabelPairAdapter.value

    private final ArrayBlockingQueue<JsonBuffer> lineBuffers;
    private final ArrayBlockingQueue<byte[]> rawBuffers = new ArrayBlockingQueue<>(1); // only held while encoding
    private final ArrayBlockingQueue<byte[]> bodyBuffers;
    private final ArrayBlockingQueue<JsonBuffer> jsonBuffers;

    /** @param pooled how many buffers of each kind to keep (about the pushes in flight at once) */
    LokiPushEncoder(int pooled) {
        lineBuffers = new ArrayBlockingQueue<>(Math.max(1, pooled));
        bodyBuffers = new ArrayBlockingQueue<>(Math.max(1, pooled));
        jsonBuffers = new ArrayBlockingQueue<>(Math.max(1, pooled));
    }

    /** A pooled array of at least {@code size} bytes, or a new one of that size rounded up to {@link #GRAIN}. */
    private static byte[] take(ArrayBlockingQueue<byte[]> pool, int size) {
        byte[] b = pool.poll();
        if (b != null && b.length >= size) return b;
        return new byte[(int) Math.min(Integer.MAX_VALUE - 8, ((long) size + GRAIN - 1) / GRAIN * GRAIN)];
    }

    private static <T> void give(ArrayBlockingQueue<T> pool, T buffer, int capacity) {
        if (capacity <= MAX_RETAINED) pool.offer(buffer);
    }

    /** An empty buffer for one send's lines; give it back with {@link #release(JsonBuffer)} when the send is done. */
    JsonBuffer lineBuffer() {
        JsonBuffer b = lineBuffers.poll();
        if (b == null) return new JsonBuffer(64 << 10);
        b.reset();
        return b;
    }

    void release(JsonBuffer lines) { give(lineBuffers, lines, lines.array().length); }

    /** The request body of one push: protobuf + Snappy, or JSON ({@code labelsOf}: stream text -> labels). */
    Body encode(List<LokiEncoder.Stream> streams, boolean json, Map<String, Labels> labelsOf) throws IOException {
        if (json) {
            JsonBuffer b = jsonBuffers.poll();
            if (b == null) b = new JsonBuffer(GRAIN);
            int length = writeJson(b, streams, labelsOf);
            return new Body(b, JSON, b.array(), length, length);
        }
        int size = 0;
        for (LokiEncoder.Stream st : streams) size += lengthDelimited(STREAMS, streamSize(st));
        byte[] raw = take(rawBuffers, size);
        try {
            writeProtobuf(raw, size, streams);
            byte[] compressed = take(bodyBuffers, Snappy.maxCompressedLength(size));
            int length = Snappy.compress(raw, 0, size, compressed, 0);
            return new Body(null, PROTOBUF, compressed, length, size);
        } finally {
            give(rawBuffers, raw, raw.length);
        }
    }

    /** Writes the PushRequest of {@code size} bytes (computed with {@link #streamSize}) into {@code raw}. */
    private static void writeProtobuf(byte[] raw, int size, List<LokiEncoder.Stream> streams) throws IOException {
        CodedOutputStream out = CodedOutputStream.newInstance(raw, 0, size);
        for (LokiEncoder.Stream st : streams) {
            out.writeTag(STREAMS, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(streamSize(st));
            if (!st.labels().isEmpty()) out.writeString(STREAM_LABELS, st.labels());
            for (LokiEntry e : st.entries()) {
                out.writeTag(STREAM_ENTRIES, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt32NoTag(entrySize(e));
                out.writeTag(ENTRY_TIMESTAMP, WireFormat.WIRETYPE_LENGTH_DELIMITED); // a set message field, even when 0
                out.writeUInt32NoTag(timestampSize(e.timeNanos()));
                long seconds = seconds(e.timeNanos());
                int nanos = nanos(e.timeNanos());
                if (seconds != 0) out.writeInt64(TS_SECONDS, seconds);
                if (nanos != 0) out.writeInt32(TS_NANOS, nanos);
                if (e.lineLength() > 0) {
                    out.writeTag(ENTRY_LINE, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                    out.writeUInt32NoTag(e.lineLength());
                    out.write(e.lines().array(), e.lineStart(), e.lineLength());
                }
                for (LokiEntry.Pair p : e.metadata()) {
                    out.writeTag(ENTRY_METADATA, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                    out.writeUInt32NoTag(pairSize(p));
                    if (!p.name().isEmpty()) out.writeString(PAIR_NAME, p.name());
                    if (!p.value().isEmpty()) out.writeString(PAIR_VALUE, p.value());
                }
            }
        }
        out.checkNoSpaceLeft(); // the sizes computed above and the bytes written agree
    }

    private static int streamSize(LokiEncoder.Stream st) {
        int n = st.labels().isEmpty() ? 0 : CodedOutputStream.computeStringSize(STREAM_LABELS, st.labels());
        for (LokiEntry e : st.entries()) n += lengthDelimited(STREAM_ENTRIES, entrySize(e));
        return n;
    }

    private static int entrySize(LokiEntry e) {
        int n = lengthDelimited(ENTRY_TIMESTAMP, timestampSize(e.timeNanos()));
        if (e.lineLength() > 0) n += lengthDelimited(ENTRY_LINE, e.lineLength());
        for (LokiEntry.Pair p : e.metadata()) n += lengthDelimited(ENTRY_METADATA, pairSize(p));
        return n;
    }

    private static int pairSize(LokiEntry.Pair p) {
        return (p.name().isEmpty() ? 0 : CodedOutputStream.computeStringSize(PAIR_NAME, p.name()))
                + (p.value().isEmpty() ? 0 : CodedOutputStream.computeStringSize(PAIR_VALUE, p.value()));
    }

    private static int timestampSize(long timeNanos) {
        long seconds = seconds(timeNanos);
        int nanos = nanos(timeNanos);
        return (seconds == 0 ? 0 : CodedOutputStream.computeInt64Size(TS_SECONDS, seconds))
                + (nanos == 0 ? 0 : CodedOutputStream.computeInt32Size(TS_NANOS, nanos));
    }

    /** A field's tag, length and payload of {@code payload} bytes. */
    private static int lengthDelimited(int field, int payload) {
        return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(payload) + payload;
    }

    private static long seconds(long timeNanos) { return Math.floorDiv(timeNanos, 1_000_000_000L); }

    private static int nanos(long timeNanos) { return (int) Math.floorMod(timeNanos, 1_000_000_000L); }

    /** {@code {"streams":[{"stream":{...},"values":[["<ns>","line",{metadata}]]}]}}; returns the body's length. */
    static int writeJson(JsonBuffer b, List<LokiEncoder.Stream> streams, Map<String, Labels> labelsOf) {
        b.reset();
        b.appendAscii("{\"streams\":[");
        for (int s = 0; s < streams.size(); s++) {
            LokiEncoder.Stream stream = streams.get(s);
            if (s > 0) b.append(',');
            b.appendAscii("{\"stream\":{");
            Labels labels = labelsOf.get(stream.labels());
            for (int i = 0; i < labels.size(); i++) {
                if (i > 0) b.append(',');
                b.appendString(labels.name(i)).append(':').appendString(labels.value(i));
            }
            b.appendAscii("},\"values\":[");
            for (int i = 0; i < stream.entries().size(); i++) {
                LokiEntry e = stream.entries().get(i);
                if (i > 0) b.append(',');
                b.appendAscii("[\"").append(e.timeNanos()).appendAscii("\",");
                b.appendUtf8String(e.lines().array(), e.lineStart(), e.lineLength());
                if (!e.metadata().isEmpty()) {
                    b.appendAscii(",{");
                    for (int m = 0; m < e.metadata().size(); m++) {
                        if (m > 0) b.append(',');
                        b.appendString(e.metadata().get(m).name()).append(':').appendString(e.metadata().get(m).value());
                    }
                    b.append('}');
                }
                b.append(']');
            }
            b.appendAscii("]}");
        }
        b.appendAscii("]}");
        return b.length();
    }

    /**
     * A push's body: {@code length} bytes of a pooled array. OkHttp may write it more than once (a retry on a fresh
     * connection) but only within the call; {@link #release()}, once the call has completed, returns the array.
     */
    final class Body extends RequestBody {
        private final JsonBuffer json; // the JSON body's buffer, or null: bytes is a pooled array
        private final MediaType type;
        private final byte[] bytes;
        private final int length;
        private final int encodedBytes;
        private final AtomicBoolean released = new AtomicBoolean();

        private Body(JsonBuffer json, MediaType type, byte[] bytes, int length, int encodedBytes) {
            this.json = json;
            this.encodedBytes = encodedBytes;
            this.type = type;
            this.bytes = bytes;
            this.length = length;
        }

        @Override public MediaType contentType() { return type; }

        @Override public long contentLength() { return length; }

        /** The body's size before compression (the protobuf, or the JSON): what {@code batch.max_bytes} counts. */
        int encodedBytes() { return encodedBytes; }

        @Override public void writeTo(BufferedSink sink) throws IOException {
            if (released.get()) throw new IOException("request body written after its call completed");
            sink.write(bytes, 0, length);
        }

        /** The body's bytes, copied (tests). */
        byte[] toByteArray() { return java.util.Arrays.copyOf(bytes, length); }

        void release() {
            if (!released.compareAndSet(false, true)) return;
            if (json != null) give(jsonBuffers, json, json.array().length);
            else give(bodyBuffers, bytes, bytes.length);
        }
    }
}
