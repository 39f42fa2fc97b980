package io.outrigger.agent.runtime;

import io.outrigger.agent.config.InputSpec;
import io.outrigger.agent.config.PipelineConfig;
import io.outrigger.agent.config.PipelineSpec;
import io.outrigger.agent.config.StageSpec;
import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageOutput;
import io.outrigger.core.telemetry.Metrics;
import io.outrigger.inputs.file.FileInputConfig;
import io.outrigger.inputs.file.FileLines;
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

        /** Stage {@code index} kept {@code record} to join it with lines still to come (multiline, partial lines). */
        default void held(int index, String name, LogRecord record) {}

        /**
         * Stage {@code index} gave out {@code record}, made of lines it held before (its origin spans them), while
         * processing {@code processing} (another line), or at a flush ({@code processing} null).
         */
        default void released(int index, String name, LogRecord processing, LogRecord record) { changed(index, name, null, record); }
    }

    private final PipelineSpec pipeline;
    private final Map<String, String> env;
    private final InstantSource clock;

    public SampleRunner(PipelineSpec pipeline, Map<String, String> env, InstantSource clock) {
        this.pipeline = pipeline;
        this.env = env;
        this.clock = clock;
    }

    /**
     * How the pipeline's (first) input cuts lines: its config when it is a file input (max_line_bytes,
     * skip_empty_lines), else the file input's defaults.
     */
    public static FileInputConfig lineHandling(PipelineConfig config, PipelineSpec pipeline) {
        InputSpec from = pipeline.from().isEmpty() ? null : config.inputs().get(pipeline.from().getFirst());
        return from != null && from.config() instanceof FileInputConfig f ? f : FileInputConfig.of();
    }

    /** Runs {@code text} (one record per line) through fresh stages, lines handled as the file input's defaults do. */
    public List<LogRecord> run(String text, String sourceName, Inspector inspector) {
        return run(text.getBytes(StandardCharsets.UTF_8), FileInputConfig.of(), sourceName, inspector);
    }

    /**
     * Runs {@code data} through fresh stages; returns the records that come out. The bytes are cut into lines by the
     * file input's own line handling ({@link FileLines}) with {@code lines}' settings: {@code max_line_bytes} cuts
     * and flags, invalid UTF-8 is flagged, empty lines are kept unless {@code skip_empty_lines}.
     */
    public List<LogRecord> run(byte[] data, FileInputConfig lines, String sourceName, Inspector inspector) {
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
            long now = LogRecord.epochNanos(clock.instant());
            for (LogRecord line : FileLines.records(data, lines, input, sourceName, "dry-run:" + sourceName, now)) chain.process(line);
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

        /** Whether {@code after} came (also) from {@code before}: same stream, and its offsets cover before's. */
        private static boolean from(LogRecord before, LogRecord after) {
            return before != null && before.origin().streamId().equals(after.origin().streamId())
                    && after.origin().offset() <= before.origin().offset() && after.origin().endOffset() >= before.origin().endOffset();
        }

        private StageOutput watch(LogRecord before, StageOutput out, boolean[] handled) {
            return new StageOutput() {
                @Override public void accept(LogRecord after) {
                    if (from(before, after)) {
                        handled[0] = true;
                        inspector.changed(index, name, before, after);
                    } else {
                        inspector.released(index, name, before, after);
                    }
                    out.accept(after);
                }

                @Override public void drop(LogRecord record, String reason) {
                    if (record == before || from(before, record)) handled[0] = true;
                    inspector.dropped(index, name, record, reason);
                    out.drop(record, reason);
                }
            };
        }

        private StageOutput watch(LogRecord before, StageOutput out) { return watch(before, out, new boolean[1]); }

        @Override public void process(LogRecord record, StageOutput out) {
            boolean[] handled = {false};
            inner.process(record, watch(record, out, handled));
            if (!handled[0]) inspector.held(index, name, record);
        }

        @Override public void tick(long nowNanos, StageOutput out) { inner.tick(nowNanos, watch(null, out)); }

        @Override public boolean holding() { return inner.holding(); }

        @Override public void endOfStream(String streamId, StageOutput out) { inner.endOfStream(streamId, watch(null, out)); }

        @Override public void flush(StageOutput out) { inner.flush(watch(null, out)); }
    }
}
