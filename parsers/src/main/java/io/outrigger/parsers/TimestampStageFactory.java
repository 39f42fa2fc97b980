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
import java.util.List;

/**
 * Sets the record time from a field. A value that is missing or does not parse keeps the read time, sets
 * {@code timestamp_unparsed} and counts under {@code outrigger_stage_parse_errors_total{stage="timestamp"}}.
 */
public final class TimestampStageFactory implements StageFactory<TimestampConfig> {
    @Override public String type() { return "timestamp"; }
    @Override public Class<TimestampConfig> configType() { return TimestampConfig.class; }

    @Override public List<ConfigProblem> validate(TimestampConfig c) {
        return RegexStageFactory.timeProblems(c.format(), c.timezone(), "format");
    }

    @Override public Stage create(TimestampConfig c, ComponentContext context) {
        TimeParser parser = TimeParser.of(c.format(), ZoneId.of(c.timezone()), context.clock());
        return new TimestampStage(c.source(), c.remove(), parser, new ParseErrors(context, type()));
    }

    private record TimestampStage(String source, boolean remove, TimeParser parser, ParseErrors errors) implements Stage {
        @Override public void process(LogRecord record, StageOutput out) {
            Value v = record.fields().getPath(source);
            long nanos = v == null ? TimeParser.FAILED : parser.parse(v);
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
