package io.outrigger.parsers;

import io.outrigger.core.event.Flag;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Value;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageOutput;

/**
 * Joins lines per stream (and per {@code stream} field, so a container's stdout and stderr stay apart) with
 * {@code \n}. Each line is held until the next line of its stream shows whether it
 * continues, or until {@code flush_timeout}, end of stream or flush; held lines' finalizers are not released, and
 * the joined record carries {@code Finalizer.all} of them, so a checkpoint never passes a record still being joined.
 */
final class MultilineStage implements Stage {

    private final LineRule rule;
    private final int maxLines;
    private final long maxChars;
    private final PendingStreams pending;

    MultilineStage(LineRule rule, int maxLines, long maxChars, long flushTimeoutNanos) {
        this.rule = rule;
        this.maxLines = maxLines;
        this.maxChars = maxChars;
        this.pending = new PendingStreams(flushTimeoutNanos);
    }

    @Override public void process(LogRecord record, StageOutput out) {
        String line = record.message();
        String streamId = record.origin().streamId();
        int slot = slot(record);
        Pending p = pending.get(streamId, slot);
        if (p == null) {
            Pending next = new Pending(record, line, pending.stamp());
            next.state = rule.startState(line);
            pending.put(streamId, slot, next);
            return;
        }
        if (rule.continues(p, line)) {
            if (p.fits(1, line, maxLines, maxChars)) {
                p.add(record, line, "\n", pending.stamp());
                return;
            }
            emit(p, true, out);
            Pending next = new Pending(record, line, pending.stamp());
            next.flags |= Flag.JOIN_CAPPED.bit();
            next.state = p.state;
            pending.put(streamId, slot, next);
            return;
        }
        emit(p, false, out);
        Pending next = new Pending(record, line, pending.stamp());
        next.state = rule.startState(line);
        pending.put(streamId, slot, next);
    }

    /** stdout and stderr lines of one container log (after {@code cri} or {@code docker}) are joined apart. */
    private static int slot(LogRecord record) {
        if (record.fields().isEmpty()) return 0;
        return record.fields().get("stream") instanceof Value.Str(String s) && s.equals("stderr") ? 1 : 0;
    }

    private static void emit(Pending p, boolean capped, StageOutput out) {
        if (p.single() && !capped && p.flags == p.first.flags()) {
            out.accept(p.first);
            return;
        }
        p.trimTrailingNewlines();
        LogRecord.Builder b = p.joined();
        if (capped) b.flag(Flag.JOIN_CAPPED);
        out.accept(b.build());
    }

    @Override public boolean holding() { return !pending.isEmpty(); }

    @Override public void tick(long nowNanos, StageOutput out) {
        pending.tick(nowNanos, p -> emit(p, false, out));
    }

    @Override public void endOfStream(String streamId, StageOutput out) {
        pending.endOfStream(streamId, p -> emit(p, false, out));
    }

    @Override public void flush(StageOutput out) {
        pending.flush(p -> emit(p, false, out));
    }
}
