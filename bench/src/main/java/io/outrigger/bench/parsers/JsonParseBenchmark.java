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

/** {@code json} stage on ~200-byte JSON object lines; score = lines/s on one thread. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class JsonParseBenchmark {

    private Stage stage;
    private LogRecord[] records;
    private final BenchStages.Sink sink = new BenchStages.Sink();

    @Setup
    public void setup() {
        stage = BenchStages.create("json", null);
        Random rnd = new Random(1);
        String[] lines = new String[BenchStages.LINES];
        String[] levels = {"info", "warn", "error", "debug"};
        for (int i = 0; i < lines.length; i++) {
            lines[i] = "{\"ts\":\"2026-11-27T05:59:" + (10 + rnd.nextInt(50)) + "." + (100 + rnd.nextInt(900))
                    + "Z\",\"level\":\"" + levels[rnd.nextInt(4)] + "\",\"logger\":\"com.example.shop.OrderService\","
                    + "\"msg\":\"order " + rnd.nextInt(1_000_000) + " processed\",\"duration_ms\":" + rnd.nextInt(500)
                    + "." + rnd.nextInt(100) + ",\"ok\":true,\"http\":{\"method\":\"GET\",\"status\":200}}";
        }
        records = BenchStages.records(lines);
    }

    @Benchmark
    @OperationsPerInvocation(BenchStages.LINES)
    public void json(Blackhole bh) {
        sink.bh = bh;
        for (LogRecord r : records) stage.process(r, sink);
    }
}
