package io.outrigger.parsers;

import io.outrigger.core.event.Flag;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.pipeline.ComponentContext;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;

/**
 * Marks and counts records a stage could not parse: the message is kept, a short {@code parse_error} field and
 * {@link Flag#PARSE_ERROR} are added, and {@code outrigger_stage_parse_errors_total{pipeline,stage}} goes up.
 */
final class ParseErrors {

    static final String METRIC = "outrigger_stage_parse_errors_total";
    static final String FIELD = "parse_error";

    private final CounterDataPoint counter;

    ParseErrors(ComponentContext ctx, String stage) {
        this.counter = ctx.metrics()
                .counter(METRIC, "Records a parser stage could not parse; they are kept and flagged.", "pipeline", "stage")
                .labelValues(ctx.name(), stage);
    }

    /** The record with the parse error recorded; {@code reason} is short and never holds the whole line. */
    LogRecord fail(LogRecord record, String reason) {
        counter.inc();
        return record.toBuilder()
                .fields(record.fields().toBuilder().put(FIELD, reason).build())
                .flag(Flag.PARSE_ERROR)
                .build();
    }

    /** Counts a failure that is marked some other way (an unparsed timestamp). */
    void count() { counter.inc(); }

    /** Where a parser reads its input: the message, or the text of a named field (null if missing). */
    static String sourceText(LogRecord record, String source) {
        if (source == null || source.equals("message")) return record.message();
        var v = record.fields().getPath(source);
        if (v == null || v instanceof io.outrigger.core.event.Value.Null) return null;
        return v.asText();
    }

    static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
