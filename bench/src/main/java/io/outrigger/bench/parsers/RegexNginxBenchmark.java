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

/** {@code regex} stage with the nginx_combined preset on ~200-byte access lines; score = lines/s. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class RegexNginxBenchmark {

    private Stage stage;
    private LogRecord[] records;
    private final BenchStages.Sink sink = new BenchStages.Sink();

    @Setup
    public void setup() {
        stage = BenchStages.create("regex", "{\"preset\":\"nginx_combined\"}");
        Random rnd = new Random(3);
        String[] lines = new String[BenchStages.LINES];
        String[] paths = {"/api/v1/orders", "/api/v1/cart/items", "/static/app.js", "/healthz"};
        for (int i = 0; i < lines.length; i++) {
            lines[i] = "10.0." + rnd.nextInt(255) + "." + rnd.nextInt(255) + " - - [27/Nov/2026:05:59:"
                    + (10 + rnd.nextInt(50)) + " +0000] \"GET " + paths[rnd.nextInt(4)] + "?page=" + rnd.nextInt(50)
                    + " HTTP/1.1\" " + (rnd.nextBoolean() ? 200 : 404) + " " + rnd.nextInt(50000)
                    + " \"https://shop.example.com/\" \"Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0\"";
        }
        records = BenchStages.records(lines);
    }

    @Benchmark
    @OperationsPerInvocation(BenchStages.LINES)
    public void nginxCombined(Blackhole bh) {
        sink.bh = bh;
        for (LogRecord r : records) stage.process(r, sink);
    }
}
