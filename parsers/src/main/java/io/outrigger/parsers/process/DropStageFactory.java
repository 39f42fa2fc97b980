package io.outrigger.parsers.process;

import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageFactory;
import io.outrigger.core.pipeline.StageOutput;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Drops records by a condition (reason {@code filtered}, counted and released by the pipeline). With
 * {@code older_than} alone, records whose time is before the stage clock's now minus it are dropped with reason
 * {@code too_old}; with a condition too, a record must match both (reason {@code filtered}).
 */
public final class DropStageFactory implements StageFactory<DropConfig> {
    private static final java.time.Duration MAX_AGE = java.time.Duration.ofNanos(Long.MAX_VALUE);

    @Override public String type() { return "drop"; }
    @Override public Class<DropConfig> configType() { return DropConfig.class; }

    @Override public List<ConfigProblem> validate(DropConfig c) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (c.olderThan() != null && (c.olderThan().isNegative() || c.olderThan().isZero())) {
            problems.add(new ConfigProblem("older_than", "must be positive, e.g. 24h"));
        }
        if (c.olderThan() == null || c.hasCondition()) problems.addAll(Condition.validate(c.condition()));
        else if (c.field().isEmpty()) problems.add(new ConfigProblem("field", "must not be empty"));
        return problems;
    }

    @Override public Stage create(DropConfig c, ComponentContext context) {
        Condition condition = c.hasCondition() || c.olderThan() == null ? Condition.of(c.condition()) : null;
        // an age past what nanoseconds hold (292 years) is as good as forever
        long olderThanNanos = c.olderThan() == null ? -1 : c.olderThan().compareTo(MAX_AGE) > 0 ? Long.MAX_VALUE
                : c.olderThan().toNanos();
        String reason = condition == null ? "too_old" : "filtered";
        return new DropStage(condition, olderThanNanos, context.clock(), c.keep(), reason);
    }

    private record DropStage(Condition condition, long olderThanNanos, InstantSource clock, boolean keep, String reason)
            implements Stage {
        @Override public void process(LogRecord record, StageOutput out) {
            boolean match = (condition == null || condition.test(record)) && (olderThanNanos < 0 || tooOld(record));
            if (match != keep) out.drop(record, reason);
            else out.accept(record);
        }

        private boolean tooOld(LogRecord record) {
            java.time.Instant now = clock.instant();
            long nowNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
            long threshold = nowNanos - olderThanNanos;
            // now minus a huge age underflows: then no time is older than it
            if (((nowNanos ^ olderThanNanos) & (nowNanos ^ threshold)) < 0) return false;
            return record.timeNanos() < threshold;
        }
    }
}
