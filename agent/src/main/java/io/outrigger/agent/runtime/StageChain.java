package io.outrigger.agent.runtime;

import io.outrigger.core.event.LogRecord;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageOutput;
import io.outrigger.core.telemetry.Metrics;
import io.prometheus.metrics.core.metrics.Counter;
import java.util.List;
import java.util.function.Consumer;

/**
 * One pipeline's stages as one input runs them: each stage passes its results straight to the next, the last to
 * a sink. Drops are counted by pipeline and reason and acknowledged (so the source's checkpoint moves past them).
 * Used by {@code run}, {@code dry-run} and {@code test} alike, so what a user tests is what runs.
 * Not thread-safe: one chain per input and pipeline, driven under its emitter's lock.
 */
public final class StageChain {

    private final String pipeline;
    private final Stage[] stages;
    private final StageOutput[] outs;
    private final Counter dropped;
    private Consumer<LogRecord> sink = r -> {};

    public StageChain(String pipeline, List<Stage> stages, Metrics metrics) {
        this.pipeline = pipeline;
        this.stages = stages.toArray(Stage[]::new);
        this.dropped = metrics.counter("outrigger_pipeline_records_dropped_total",
                "Records a stage dropped on purpose", "pipeline", "reason");
        this.outs = new StageOutput[this.stages.length];
        for (int i = 0; i < this.stages.length; i++) {
            final int next = i + 1;
            outs[i] = new StageOutput() {
                @Override public void accept(LogRecord record) {
                    if (next < StageChain.this.stages.length) StageChain.this.stages[next].process(record, outs[next]);
                    else sink.accept(record);
                }

                @Override public void drop(LogRecord record, String reason) {
                    dropped.labelValues(StageChain.this.pipeline, reason).inc();
                    record.finalizer().release();
                }
            };
        }
    }

    public String pipeline() { return pipeline; }

    /** Where records that passed every stage go. */
    public void sinkTo(Consumer<LogRecord> newSink) { this.sink = newSink; }

    public void process(LogRecord record) {
        if (stages.length == 0) sink.accept(record);
        else stages[0].process(record, outs[0]);
    }

    public void tick(long nowNanos) {
        for (int i = 0; i < stages.length; i++) stages[i].tick(nowNanos, outs[i]);
    }

    public void endOfStream(String streamId) {
        for (int i = 0; i < stages.length; i++) stages[i].endOfStream(streamId, outs[i]);
    }

    public void flush() {
        for (int i = 0; i < stages.length; i++) stages[i].flush(outs[i]);
    }
}
