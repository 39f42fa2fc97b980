package io.outrigger.bench.parsers;

import io.outrigger.core.event.LogRecord;
import io.outrigger.core.pipeline.Stage;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/** {@code logfmt} stage on ~200-byte lines; score = lines/s on one thread. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class LogfmtParseBenchmark {

    private Stage stage;
    private LogRecord[] records;
    private final BenchStages.Sink sink = new BenchStages.Sink();

    @Setup
    public void setup() {
        stage = BenchStages.create("logfmt", null);
        Random rnd = new Random(2);
        String[] lines = new String[BenchStages.LINES];
        String[] levels = {"info", "warn", "error", "debug"};
        for (int i = 0; i < lines.length; i++) {
            lines[i] = "ts=2026-11-27T05:59:" + (10 + rnd.nextInt(50)) + ".123Z level=" + levels[rnd.nextInt(4)]
                    + " caller=server.go:" + rnd.nextInt(300) + " msg=\"request completed for order " + rnd.nextInt(1_000_000)
                    + "\" method=GET path=/api/v1/orders/" + rnd.nextInt(100000) + " status=200 duration=" + rnd.nextInt(900)
                    + "us bytes=" + rnd.nextInt(20000) + " cached";
        }
        records = BenchStages.records(lines);
    }

    @Benchmark
    @OperationsPerInvocation(BenchStages.LINES)
    public void logfmt(Blackhole bh) {
        sink.bh = bh;
        for (LogRecord r : records) stage.process(r, sink);
    }
}
