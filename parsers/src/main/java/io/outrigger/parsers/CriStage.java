package io.outrigger.parsers;

import io.outrigger.core.event.Fields;
import io.outrigger.core.event.Flag;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Value;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageOutput;
import java.time.ZoneOffset;

/**
 * {@code 2026-01-02T03:04:05.123456789Z stdout F text}: the message becomes the text, fields {@code stream} and
 * {@code logtag}, record time from the line. Partial ({@code P}) lines are joined per stream and std stream until
 * the {@code F} line; a line that is not CRI is kept and marked as a parse error.
 */
final class CriStage implements Stage {

    private static final Value STDOUT = Value.of("stdout"), STDERR = Value.of("stderr");
    private static final Value TAG_P = Value.of("P"), TAG_F = Value.of("F");

    private final long maxChars;
    private final PendingStreams pending;
    private final TimeParser time;
    private final ParseErrors errors;

    CriStage(long maxBytes, long flushTimeoutNanos, ComponentContext ctx, ParseErrors errors) {
        this.maxChars = maxBytes;
        this.pending = new PendingStreams(flushTimeoutNanos);
        this.time = TimeParser.of("rfc3339", ZoneOffset.UTC, ctx.clock());
        this.errors = errors;
    }

    @Override public void process(LogRecord record, StageOutput out) {
        String s = record.message();
        int sp1 = s.indexOf(' ');
        int sp2 = sp1 < 0 ? -1 : s.indexOf(' ', sp1 + 1);
        if (sp2 < 0) {
            out.accept(errors.fail(record, "not a CRI line"));
            return;
        }
        int sp3 = s.indexOf(' ', sp2 + 1);
        int tagEnd = sp3 < 0 ? s.length() : sp3;
        int slot;
        Value stream;
        if (sp2 - sp1 - 1 == 6 && s.startsWith("stdout", sp1 + 1)) {
            slot = 0;
            stream = STDOUT;
        } else if (sp2 - sp1 - 1 == 6 && s.startsWith("stderr", sp1 + 1)) {
            slot = 1;
            stream = STDERR;
        } else {
            out.accept(errors.fail(record, "not a CRI line: unknown stream"));
            return;
        }
        if (tagEnd == sp2 + 1) {
            out.accept(errors.fail(record, "not a CRI line: missing tag"));
            return;
        }
        char tag = s.charAt(sp2 + 1);
        if (tag != 'P' && tag != 'F') {
            out.accept(errors.fail(record, "not a CRI line: unknown tag"));
            return;
        }
        long t = time.rfc3339(s, 0, sp1);
        if (t == TimeParser.FAILED) {
            out.accept(errors.fail(record, "not a CRI line: invalid time"));
            return;
        }
        String log = sp3 < 0 ? "" : s.substring(sp3 + 1);
        Value tagValue = tagEnd == sp2 + 2 ? (tag == 'P' ? TAG_P : TAG_F) : Value.of(s.substring(sp2 + 1, tagEnd));
        Fields fields = record.fields().isEmpty()
                ? Fields.builder().put("stream", stream).put("logtag", tagValue).build()
                : record.fields().toBuilder().put("stream", stream).put("logtag", tagValue).build();
        LogRecord parsed = record.toBuilder().message(log).timeNanos(t).fields(fields).build();

        String streamId = record.origin().streamId();
        Pending p = pending.get(streamId, slot);
        if (tag == 'P') {
            if (p == null) {
                pending.put(streamId, slot, new Pending(parsed, log, pending.stamp()));
            } else if (p.fits(0, log, Integer.MAX_VALUE, maxChars)) {
                p.add(parsed, log, "", pending.stamp());
            } else {
                out.accept(capped(p));
                Pending next = new Pending(parsed, log, pending.stamp());
                next.flags |= Flag.JOIN_CAPPED.bit();
                pending.put(streamId, slot, next);
            }
            return;
        }
        if (p == null) {
            out.accept(parsed);
            return;
        }
        pending.remove(streamId, slot);
        if (p.fits(0, log, Integer.MAX_VALUE, maxChars)) {
            p.add(parsed, log, "", pending.stamp());
            out.accept(complete(p));
        } else {
            out.accept(capped(p));
            out.accept(parsed.toBuilder().flag(Flag.JOIN_CAPPED).build());
        }
    }

    private static LogRecord complete(Pending p) {
        LogRecord.Builder b = p.joined();
        return b.fields(p.first.fields().toBuilder().put("logtag", TAG_F).build()).build();
    }

    private static LogRecord capped(Pending p) {
        return p.joined().flag(Flag.JOIN_CAPPED).build();
    }

    private static void emitPartial(Pending p, StageOutput out) {
        out.accept(p.joined().build());
    }

    @Override public boolean holding() { return !pending.isEmpty(); }

    @Override public void tick(long nowNanos, StageOutput out) {
        pending.tick(nowNanos, p -> emitPartial(p, out));
    }

    @Override public void endOfStream(String streamId, StageOutput out) {
        pending.endOfStream(streamId, p -> emitPartial(p, out));
    }

    @Override public void flush(StageOutput out) {
        pending.flush(p -> emitPartial(p, out));
    }
}
