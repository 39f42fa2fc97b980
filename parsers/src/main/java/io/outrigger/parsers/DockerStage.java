package io.outrigger.parsers;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.outrigger.core.event.Fields;
import io.outrigger.core.event.Flag;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Value;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageOutput;
import java.io.IOException;
import java.time.ZoneOffset;

/**
 * Docker json-file: message from {@code log} (trailing newline stripped), field {@code stream} (and any other keys,
 * such as {@code attrs}), record time from {@code time}. A {@code log} without a trailing newline is a partial line
 * (Docker splits lines at 16 KiB); parts are joined per stream until one ends with a newline.
 */
final class DockerStage implements Stage {

    private static final Value STDOUT = Value.of("stdout"), STDERR = Value.of("stderr");

    private final JsonFactory factory = JsonFactory.builder().build();
    private final long maxChars;
    private final PendingStreams pending;
    private final TimeParser time;
    private final ParseErrors errors;

    DockerStage(long maxBytes, long flushTimeoutNanos, ComponentContext ctx, ParseErrors errors) {
        this.maxChars = maxBytes;
        this.pending = new PendingStreams(flushTimeoutNanos);
        this.time = TimeParser.of("rfc3339", ZoneOffset.UTC, ctx.clock());
        this.errors = errors;
    }

    @Override public void process(LogRecord record, StageOutput out) {
        String log = null;
        String timeText = null;
        Value stream = null;
        Fields.Builder fields = record.fields().toBuilder();
        try (JsonParser p = factory.createParser(record.message())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                out.accept(errors.fail(record, "not a Docker JSON line"));
                return;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "log" -> log = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "time" -> timeText = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "stream" -> {
                        String st = p.getValueAsString();
                        stream = "stdout".equals(st) ? STDOUT : "stderr".equals(st) ? STDERR : Value.of(st);
                        fields.put("stream", stream);
                    }
                    default -> fields.put(name, JsonStage.readValue(p, v));
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                out.accept(errors.fail(record, "not a Docker JSON line"));
                return;
            }
        } catch (IOException | RuntimeException e) {
            out.accept(errors.fail(record, "not a Docker JSON line"));
            return;
        }
        if (log == null) {
            out.accept(errors.fail(record, "not a Docker JSON line: no \"log\" string"));
            return;
        }
        LogRecord.Builder b = record.toBuilder();
        if (timeText != null) {
            long nanos = time.parse(timeText);
            if (nanos != TimeParser.FAILED) b.timeNanos(nanos);
            else b.flag(Flag.TIMESTAMP_UNPARSED);
        }
        boolean complete = log.endsWith("\n");
        String text = complete ? log.substring(0, log.length() - (log.endsWith("\r\n") ? 2 : 1)) : log;
        LogRecord parsed = b.message(text).fields(fields.build()).build();
        int slot = stream == STDOUT ? 0 : stream == STDERR ? 1 : 2;
        String streamId = record.origin().streamId();
        Pending p = pending.get(streamId, slot);
        if (!complete) {
            if (p == null) {
                pending.put(streamId, slot, new Pending(parsed, text, pending.stamp()));
            } else if (p.fits(0, text, Integer.MAX_VALUE, maxChars)) {
                p.add(parsed, text, "", pending.stamp());
            } else {
                out.accept(p.joined().flag(Flag.JOIN_CAPPED).build());
                Pending next = new Pending(parsed, text, pending.stamp());
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
        if (p.fits(0, text, Integer.MAX_VALUE, maxChars)) {
            p.add(parsed, text, "", pending.stamp());
            out.accept(p.joined().build());
        } else {
            out.accept(p.joined().flag(Flag.JOIN_CAPPED).build());
            out.accept(parsed.toBuilder().flag(Flag.JOIN_CAPPED).build());
        }
    }

    @Override public boolean holding() { return !pending.isEmpty(); }

    @Override public void tick(long nowNanos, StageOutput out) {
        pending.tick(nowNanos, p -> out.accept(p.joined().build()));
    }

    @Override public void endOfStream(String streamId, StageOutput out) {
        pending.endOfStream(streamId, p -> out.accept(p.joined().build()));
    }

    @Override public void flush(StageOutput out) {
        pending.flush(p -> out.accept(p.joined().build()));
    }
}
