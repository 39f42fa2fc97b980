package io.outrigger.agent.runtime;

import io.outrigger.agent.tap.Tap;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageOutput;
import io.outrigger.core.telemetry.Metrics;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import java.util.List;
import java.util.function.Consumer;

/**
 * One pipeline's stages as one input runs them: each stage passes its results straight to the next, the last to
 * a sink. Drops are counted by pipeline, stage and reason and acknowledged (so the source's checkpoint moves past
 * them). Records in and out of each stage are counted in plain fields and added to the metrics once per chunk
 * ({@link #publishCounts()}), so counting costs nothing per record beyond an increment.
 * Used by {@code run}, {@code dry-run} and {@code test} alike, so what a user tests is what runs.
 * Not thread-safe: one chain per input and pipeline, driven under its emitter's lock.
 */
public final class StageChain {

    private final String pipeline;
    private final Stage[] stages;
    private final String[] stageLabels;
    private final StageOutput[] outs;
    private final long[] in;
    private final long[] out;
    private final CounterDataPoint[] inCounters;
    private final CounterDataPoint[] outCounters;
    private final Counter dropped;
    private Consumer<LogRecord> sink = r -> {};
    private Tap tap;
    private final String[] points;

    /**
     * @param stageTypes each stage's type, in order ({@code json}, {@code regex}...), for the {@code stage} label,
     *                   which reads {@code <index>:<type>} so two stages of one type stay apart
     */
    public StageChain(String pipeline, List<Stage> stages, List<String> stageTypes, Metrics metrics) {
        if (stages.size() != stageTypes.size()) throw new IllegalArgumentException("one type per stage");
        this.pipeline = pipeline;
        this.stages = stages.toArray(Stage[]::new);
        int n = this.stages.length;
        this.stageLabels = new String[n];
        this.in = new long[n];
        this.out = new long[n];
        this.inCounters = new CounterDataPoint[n];
        this.outCounters = new CounterDataPoint[n];
        Counter inTotal = metrics.counter("outrigger_stage_records_in_total", "Records into a stage", "pipeline", "stage");
        Counter outTotal = metrics.counter("outrigger_stage_records_out_total", "Records out of a stage", "pipeline", "stage");
        this.dropped = metrics.counter("outrigger_stage_records_dropped_total",
                "Records a stage dropped on purpose", "pipeline", "stage", "reason");
        this.outs = new StageOutput[n];
        this.points = new String[n];
        for (int i = 0; i < n; i++) points[i] = String.valueOf(i);
        for (int i = 0; i < n; i++) {
            stageLabels[i] = i + ":" + stageTypes.get(i);
            inCounters[i] = inTotal.labelValues(pipeline, stageLabels[i]);
            outCounters[i] = outTotal.labelValues(pipeline, stageLabels[i]);
            final int at = i;
            final int next = i + 1;
            outs[i] = new StageOutput() {
                @Override public void accept(LogRecord record) {
                    out[at]++;
                    if (tap != null && tap.active()) tapped(points[at], record, next == StageChain.this.stages.length);
                    if (next < StageChain.this.stages.length) {
                        in[next]++;
                        StageChain.this.stages[next].process(record, outs[next]);
                    } else {
                        sink.accept(record);
                    }
                }

                @Override public void drop(LogRecord record, String reason) {
                    dropped.labelValues(StageChain.this.pipeline, stageLabels[at], reason).inc();
                    record.finalizer().release();
                }
            };
        }
    }

    public String pipeline() { return pipeline; }

    /** Where records that passed every stage go. */
    public void sinkTo(Consumer<LogRecord> newSink) { this.sink = newSink; }

    /** Offers records to {@code t} (for {@code outrigger tap}) while it has clients. */
    public void tapInto(Tap t) { this.tap = t; }

    private void tapped(String point, LogRecord record, boolean last) {
        tap.offer(pipeline, point, record);
        if (last) tap.offer(pipeline, Tap.END, record);
    }

    public void process(LogRecord record) {
        if (tap != null && tap.active()) tapped(Tap.INPUT, record, stages.length == 0);
        if (stages.length == 0) {
            sink.accept(record);
            return;
        }
        in[0]++;
        stages[0].process(record, outs[0]);
    }

    public void tick(long nowNanos) {
        for (int i = 0; i < stages.length; i++) stages[i].tick(nowNanos, outs[i]);
    }

    /** True while a stage keeps records back for a later {@link #tick}. */
    public boolean holding() {
        for (Stage s : stages) if (s.holding()) return true;
        return false;
    }

    public void endOfStream(String streamId) {
        for (int i = 0; i < stages.length; i++) stages[i].endOfStream(streamId, outs[i]);
    }

    public void flush() {
        for (int i = 0; i < stages.length; i++) stages[i].flush(outs[i]);
    }

    /** Adds the records counted since the last call to the stage metrics. */
    public void publishCounts() {
        for (int i = 0; i < stages.length; i++) {
            if (in[i] != 0) inCounters[i].inc(in[i]);
            if (out[i] != 0) outCounters[i].inc(out[i]);
            in[i] = 0;
            out[i] = 0;
        }
    }
}
