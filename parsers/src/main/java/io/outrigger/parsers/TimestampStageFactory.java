package io.outrigger.parsers;

import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.event.Fields;
import io.outrigger.core.event.Flag;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Value;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageFactory;
import io.outrigger.core.pipeline.StageOutput;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * Sets the record time from a field. A value that is missing or does not parse keeps the read time, sets
 * {@code timestamp_unparsed} and counts under {@code outrigger_stage_parse_errors_total{stage="timestamp"}}.
 * {@code fallback_formats} are tried in order after {@code format}; the first that parses sets the time.
 */
public final class TimestampStageFactory implements StageFactory<TimestampConfig> {
    @Override public String type() { return "timestamp"; }
    @Override public Class<TimestampConfig> configType() { return TimestampConfig.class; }

    @Override public List<ConfigProblem> validate(TimestampConfig c) {
        List<ConfigProblem> problems = new ArrayList<>(RegexStageFactory.timeProblems(c.format(), c.timezone(), "format"));
        for (int i = 0; i < c.fallbackFormats().size(); i++) {
            String f = c.fallbackFormats().get(i);
            String path = "fallback_formats[" + i + "]";
            if (f == null || f.isBlank()) {
                problems.add(new ConfigProblem(path, "empty time format"));
                continue;
            }
            for (ConfigProblem p : RegexStageFactory.timeProblems(f, "UTC", path)) problems.add(p);
        }
        return problems;
    }

    @Override public Stage create(TimestampConfig c, ComponentContext context) {
        ZoneId zone = ZoneId.of(c.timezone());
        List<TimeParser> parsers = new ArrayList<>();
        parsers.add(TimeParser.of(c.format(), zone, context.clock()));
        for (String f : c.fallbackFormats()) parsers.add(TimeParser.of(f, zone, context.clock()));
        return new TimestampStage(c.source(), c.remove(), parsers.toArray(TimeParser[]::new), new ParseErrors(context, type()));
    }

    private record TimestampStage(String source, boolean remove, TimeParser[] parsers, ParseErrors errors) implements Stage {
        /** The first format that parses wins; {@link TimeParser#FAILED} if none does. */
        private long parse(Value v) {
            long nanos = TimeParser.FAILED;
            for (int i = 0; i < parsers.length && nanos == TimeParser.FAILED; i++) nanos = parsers[i].parse(v);
            return nanos;
        }

        @Override public void process(LogRecord record, StageOutput out) {
            Value v = record.fields().getPath(source);
            long nanos = v == null ? TimeParser.FAILED : parse(v);
            if (nanos == TimeParser.FAILED) {
                errors.count();
                out.accept(record.toBuilder().flag(Flag.TIMESTAMP_UNPARSED).build());
                return;
            }
            LogRecord.Builder b = record.toBuilder().timeNanos(nanos);
            if (remove && record.fields().contains(source)) {
                Fields.Builder f = record.fields().toBuilder();
                f.remove(source);
                b.fields(f.build());
            }
            out.accept(b.build());
        }
    }
}
