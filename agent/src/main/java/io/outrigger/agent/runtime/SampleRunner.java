package io.outrigger.agent.runtime;

import io.outrigger.agent.config.PipelineSpec;
import io.outrigger.agent.config.StageSpec;
import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Origin;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Finalizer;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageOutput;
import io.outrigger.core.telemetry.Metrics;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Runs sample lines through one pipeline's stages exactly as {@code run} does (the same {@link StageChain}, the
 * same stage instances; multiline and partial-line joining included), flushed at the end of the input, shipping
 * nothing. Used by {@code dry-run} and {@code test}. Needs no data directory, network or running agent.
 */
public final class SampleRunner {

    /** Sees what each stage did to each record (for {@code dry-run --inspect}). */
    public interface Inspector {
        /** Stage {@code index} ({@code name}) turned {@code before} into {@code after}; before is null for a record it held. */
        void changed(int index, String name, LogRecord before, LogRecord after);

        void dropped(int index, String name, LogRecord record, String reason);
    }

    private final PipelineSpec pipeline;
    private final Map<String, String> env;
    private final InstantSource clock;

    public SampleRunner(PipelineSpec pipeline, Map<String, String> env, InstantSource clock) {
        this.pipeline = pipeline;
        this.env = env;
        this.clock = clock;
    }

    /** Runs {@code text} (one record per line) through fresh stages; returns the records that come out. */
    public List<LogRecord> run(String text, String sourceName, Inspector inspector) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon(true).name("outrigger-dry-run").factory());
        try {
            ComponentContext ctx = new ComponentContext(pipeline.name(), Metrics.newIsolated(), clock, scheduler, null,
                    CheckpointStore.inMemory(), env);
            List<Stage> stages = Stages.create(pipeline.stages(), ctx);
            if (inspector != null) {
                List<Stage> wrapped = new ArrayList<>(stages.size());
                for (int i = 0; i < stages.size(); i++) {
                    wrapped.add(new Inspecting(i, pipeline.stages().get(i).type(), stages.get(i), inspector));
                }
                stages = wrapped;
            }
            StageChain chain = new StageChain(pipeline.name(), stages,
                    pipeline.stages().stream().map(StageSpec::type).toList(), Metrics.newIsolated());
            List<LogRecord> out = new ArrayList<>();
            chain.sinkTo(out::add);
            String input = pipeline.from().isEmpty() ? "" : pipeline.from().getFirst();
            long offset = 0;
            long now = LogRecord.epochNanos(clock.instant());
            for (String line : text.split("\n", -1)) {
                long len = line.getBytes(StandardCharsets.UTF_8).length + 1L;
                String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
                if (!l.isEmpty()) {
                    chain.process(LogRecord.of(now, l, new Origin(input, sourceName, "dry-run:" + sourceName, offset, offset + len),
                            Finalizer.NONE, 0));
                }
                offset += len;
            }
            chain.endOfStream("dry-run:" + sourceName);
            chain.flush();
            return out;
        } finally {
            scheduler.shutdownNow();
        }
    }

    private static final class Inspecting implements Stage {
        private final int index;
        private final String name;
        private final Stage inner;
        private final Inspector inspector;

        Inspecting(int index, String name, Stage inner, Inspector inspector) {
            this.index = index;
            this.name = name;
            this.inner = inner;
            this.inspector = inspector;
        }

        private StageOutput watch(LogRecord before, StageOutput out) {
            return new StageOutput() {
                @Override public void accept(LogRecord after) {
                    inspector.changed(index, name, before, after);
                    out.accept(after);
                }

                @Override public void drop(LogRecord record, String reason) {
                    inspector.dropped(index, name, record, reason);
                    out.drop(record, reason);
                }
            };
        }

        @Override public void process(LogRecord record, StageOutput out) { inner.process(record, watch(record, out)); }

        @Override public void tick(long nowNanos, StageOutput out) { inner.tick(nowNanos, watch(null, out)); }

        @Override public boolean holding() { return inner.holding(); }

        @Override public void endOfStream(String streamId, StageOutput out) { inner.endOfStream(streamId, watch(null, out)); }

        @Override public void flush(StageOutput out) { inner.flush(watch(null, out)); }
    }
}
