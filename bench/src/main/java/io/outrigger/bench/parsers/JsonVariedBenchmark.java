package io.outrigger.bench.parsers;

import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Origin;
import io.outrigger.core.pipeline.Finalizer;
import io.outrigger.core.pipeline.Stage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The {@code json} stage against the same stage built on jackson-core ({@link JacksonJsonStage}), on
 * {@value #LINES} varied lines from {@code bench/gen-logs.py} (the file named by {@code OUTRIGGER_BENCH_JSON},
 * which {@code bench/jmh.sh} makes): hundreds of message templates, dozens of loggers, ids, nested objects,
 * escapes, non-ASCII text, a few stack traces. Each line is a new {@link LogRecord#ofUtf8} record per invocation, as
 * the file input makes it. Score = lines/s on one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class JsonVariedBenchmark {

    static final int LINES = 16_384;
    private static final long TIME = 1_795_755_600_000_000_000L;

    @Param({"outrigger", "jackson"})
    public String parser = "outrigger";

    private Stage stage;
    private byte[][] lines;
    private Origin[] origins;
    private final BenchStages.Sink sink = new BenchStages.Sink();

    @Setup
    public void setup() {
        stage = parser.equals("jackson") ? new JacksonJsonStage() : BenchStages.create("json", null);
        lines = variedLines();
        origins = new Origin[lines.length];
        long offset = 0;
        for (int i = 0; i < lines.length; i++) {
            long end = offset + lines[i].length + 1;
            origins[i] = new Origin("bench", "/var/log/app.log", "1:2", offset, end);
            offset = end;
        }
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public void process(Blackhole bh) {
        sink.bh = bh;
        byte[][] ls = lines;
        for (int i = 0; i < ls.length; i++) {
            stage.process(LogRecord.ofUtf8(TIME, ls[i], origins[i], Finalizer.NONE, 0), sink);
        }
    }

    /** The first {@value #LINES} lines of {@code OUTRIGGER_BENCH_JSON}, as UTF-8. */
    static byte[][] variedLines() {
        String file = System.getenv("OUTRIGGER_BENCH_JSON");
        if (file == null) throw new IllegalStateException("OUTRIGGER_BENCH_JSON is not set: run bench/jmh.sh, which makes the lines");
        try {
            List<String> all = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
            if (all.size() < LINES) throw new IllegalStateException(file + " has " + all.size() + " lines, fewer than " + LINES);
            byte[][] out = new byte[LINES][];
            for (int i = 0; i < LINES; i++) out[i] = all.get(i).getBytes(StandardCharsets.UTF_8);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
