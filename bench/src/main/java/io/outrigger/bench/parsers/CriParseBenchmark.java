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

/** {@code cri} stage on ~200-byte CRI lines (one in eight split into a P and an F part); score = lines/s. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class CriParseBenchmark {

    private Stage stage;
    private LogRecord[] records;
    private final BenchStages.Sink sink = new BenchStages.Sink();

    @Setup
    public void setup() {
        stage = BenchStages.create("cri", null);
        Random rnd = new Random(4);
        String[] lines = new String[BenchStages.LINES];
        for (int i = 0; i < lines.length; i++) {
            String tag = i % 8 == 0 ? "P" : "F";
            lines[i] = "2026-11-27T05:59:" + (10 + rnd.nextInt(50)) + "." + (100_000_000 + rnd.nextInt(899_999_999))
                    + "Z " + (rnd.nextInt(4) == 0 ? "stderr" : "stdout") + " " + tag
                    + " {\"level\":\"info\",\"msg\":\"order " + rnd.nextInt(1_000_000)
                    + " processed by worker\",\"logger\":\"com.example.shop.OrderService\",\"duration_ms\":"
                    + rnd.nextInt(500) + ",\"ok\":true}";
        }
        records = BenchStages.records(lines);
    }

    @Benchmark
    @OperationsPerInvocation(BenchStages.LINES)
    public void cri(Blackhole bh) {
        sink.bh = bh;
        for (LogRecord r : records) stage.process(r, sink);
    }
}
