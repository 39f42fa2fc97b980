package io.outrigger.core.event;

import io.outrigger.core.pipeline.Finalizer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One immutable log record: a time, the message, typed fields, labels, where it came from and the finalizer
 * that acknowledges it to its source. Stages make changed copies with {@link #toBuilder()}.
 */
public final class LogRecord {

    /**
     * Per-record heap overhead beyond the message text: this object, its origin, the message's String and array
     * headers, and its share of the lists and queues that carry it.
     */
    private static final int OVERHEAD_BYTES = 200;

    private final long timeNanos;
    /** The message as UTF-8 bytes when it came that way (a line as read), else null. Never modified. */
    private final byte[] utf8Message;
    /** The message text: given, or decoded from {@link #utf8Message} on first use (a benign race: same text). */
    private String message;
    private final Fields fields;
    private final Labels labels;
    private final Origin origin;
    private final Finalizer finalizer;
    private final int flags;
    private final long sizeEstimate;

    private LogRecord(Builder b) {
        this.timeNanos = b.timeNanos;
        this.utf8Message = b.utf8Message;
        this.message = b.message;
        long text = utf8Message != null ? utf8Message.length : message.length();
        this.fields = b.fields;
        this.labels = b.labels;
        this.origin = b.origin;
        this.finalizer = b.finalizer;
        this.flags = b.flags;
        this.sizeEstimate = OVERHEAD_BYTES + text + (fields.isEmpty() ? 0 : fields.heapEstimate())
                + 64L * labels.size();
    }

    /** The fast path for inputs: a bare line with no fields or labels yet. */
    public static LogRecord of(long timeNanos, String message, Origin origin, Finalizer finalizer, int flags) {
        return builder().timeNanos(timeNanos).message(message).origin(origin).finalizer(finalizer).flags(flags).build();
    }

    /**
     * The fast path for line inputs: a bare line kept as the UTF-8 bytes it was read as, so an output that writes
     * it as JSON or raw bytes never decodes and re-encodes it. {@code utf8} must be well-formed UTF-8
     * ({@link Utf8#isValid}) and is not copied: the caller hands it over.
     */
    public static LogRecord ofUtf8(long timeNanos, byte[] utf8, Origin origin, Finalizer finalizer, int flags) {
        Builder b = builder().timeNanos(timeNanos).origin(origin).finalizer(finalizer).flags(flags);
        b.message = null;
        b.utf8Message = Objects.requireNonNull(utf8, "utf8");
        return b.build();
    }

    public static Builder builder() { return new Builder(); }

    /** An instant as nanoseconds since the epoch, the unit of {@link #timeNanos()}. */
    public static long epochNanos(Instant t) { return t.getEpochSecond() * 1_000_000_000L + t.getNano(); }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.timeNanos = timeNanos;
        b.utf8Message = utf8Message;
        // a record kept as bytes stays bytes: the copy holds one form of the text, as counted in its size
        b.message = utf8Message != null ? null : message;
        b.fields = fields;
        b.labels = labels;
        b.origin = origin;
        b.finalizer = finalizer;
        b.flags = flags;
        return b;
    }

    /** Record time, nanoseconds since the epoch. */
    public long timeNanos() { return timeNanos; }

    public Instant timestamp() { return Instant.ofEpochSecond(0, timeNanos); }

    public String message() {
        String m = message;
        if (m == null) {
            m = new String(utf8Message, StandardCharsets.UTF_8);
            message = m;
        }
        return m;
    }

    /**
     * The message as well-formed UTF-8 bytes when the record holds it that way (a line as read and not rewritten
     * since), else null: then use {@link #message()}. The array is shared: never modify it.
     */
    public byte[] utf8Message() { return utf8Message; }

    public Fields fields() { return fields; }

    public Labels labels() { return labels; }

    public Origin origin() { return origin; }

    public Finalizer finalizer() { return finalizer; }

    public int flags() { return flags; }

    public boolean has(Flag flag) { return (flags & flag.bit()) != 0; }

    public List<Flag> flagList() {
        List<Flag> out = new ArrayList<>();
        for (Flag f : Flag.values()) if (has(f)) out.add(f);
        return out;
    }

    /**
     * Estimated heap bytes this record holds, used to account it against the agent's memory budget: the message,
     * every field value and label, and fixed object overheads. Text is counted at one byte a char, as Latin-1
     * strings are stored.
     */
    public long sizeEstimate() { return sizeEstimate; }

    @Override public String toString() { return RecordJson.toJson(this); }

    public static final class Builder {
        private long timeNanos;
        private String message = "";
        private byte[] utf8Message;
        private Fields fields = Fields.EMPTY;
        private Labels labels = Labels.EMPTY;
        private Origin origin = Origin.NONE;
        private Finalizer finalizer = Finalizer.NONE;
        private int flags;

        private Builder() {}

        public Builder timeNanos(long v) { timeNanos = v; return this; }
        public Builder timestamp(Instant t) { timeNanos = epochNanos(t); return this; }
        public Builder message(String v) {
            message = Objects.requireNonNull(v, "message");
            utf8Message = null;
            return this;
        }
        public Builder fields(Fields v) { fields = Objects.requireNonNull(v, "fields"); return this; }
        public Builder labels(Labels v) { labels = Objects.requireNonNull(v, "labels"); return this; }
        public Builder origin(Origin v) { origin = Objects.requireNonNull(v, "origin"); return this; }
        public Builder finalizer(Finalizer v) { finalizer = Objects.requireNonNull(v, "finalizer"); return this; }
        public Builder flags(int v) { flags = v; return this; }
        public Builder flag(Flag f) { flags |= f.bit(); return this; }

        public LogRecord build() { return new LogRecord(this); }
    }
}
