package io.outrigger.parsers.process;

import io.outrigger.core.event.LogRecord;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageOutput;
import java.util.List;

/**
 * Runs nested stages only for records that match a condition; other records pass unchanged. The nested stages
 * form a chain of their own (each one's output feeds the next, the last feeds this stage's output), and get
 * {@link #tick}, {@link #endOfStream} and {@link #flush} in order, so joining stages inside work as usual.
 *
 * <p>Built by the agent's config loader from {@code {match: {when: {...}, stages: [...]}}}:
 * {@code new MatchStage(Condition.of(whenConfig), nestedStages)}.
 */
public final class MatchStage implements Stage {

    private final Condition when;
    private final Stage[] stages;
    private final Link[] links;
    private StageOutput downstream;

    public MatchStage(Condition when, List<Stage> stages) {
        this.when = when;
        this.stages = stages.toArray(Stage[]::new);
        this.links = new Link[this.stages.length];
        for (int i = 0; i < links.length; i++) links[i] = new Link(i + 1);
    }

    /** What stage {@code i - 1} writes to: stage {@code i}, or downstream after the last one. */
    private final class Link implements StageOutput {
        private final int next;

        Link(int next) { this.next = next; }

        @Override public void accept(LogRecord record) {
            if (next == stages.length) downstream.accept(record);
            else stages[next].process(record, links[next]);
        }

        @Override public void drop(LogRecord record, String reason) { downstream.drop(record, reason); }
    }

    @Override public void process(LogRecord record, StageOutput out) {
        if (stages.length == 0 || !when.test(record)) {
            out.accept(record);
            return;
        }
        downstream = out;
        stages[0].process(record, links[0]);
    }

    @Override public boolean holding() {
        for (Stage s : stages) if (s.holding()) return true;
        return false;
    }

    @Override public void tick(long nowNanos, StageOutput out) {
        downstream = out;
        for (int i = 0; i < stages.length; i++) stages[i].tick(nowNanos, links[i]);
    }

    @Override public void endOfStream(String streamId, StageOutput out) {
        downstream = out;
        for (int i = 0; i < stages.length; i++) stages[i].endOfStream(streamId, links[i]);
    }

    @Override public void flush(StageOutput out) {
        downstream = out;
        for (int i = 0; i < stages.length; i++) stages[i].flush(links[i]);
    }
}
