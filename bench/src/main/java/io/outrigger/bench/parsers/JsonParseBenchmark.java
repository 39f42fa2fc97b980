package io.outrigger.bench.parsers;

import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Origin;
import io.outrigger.core.pipeline.Finalizer;
import io.outrigger.core.pipeline.Stage;
import java.nio.charset.StandardCharsets;
import java.util.Random;
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
 * {@code json} stage on ~210-byte JSON object lines; score = lines/s on one thread. {@code form=utf8} feeds each
 * line as the file input makes it: a new {@link LogRecord#ofUtf8} record per line and invocation over the line's
 * bytes (a record caches its decoded message, so reusing records would hide the cost of decoding the line).
 * {@code form=text} feeds the same lines as records given as text ({@link LogRecord#of}), reused.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class JsonParseBenchmark {

    private static final long TIME = 1_795_755_600_000_000_000L;

    @Param({"utf8", "text"})
    public String form = "utf8";

    private Stage stage;
    private LogRecord[] textRecords;
    private byte[][] utf8Lines;
    private Origin[] origins;
    private final BenchStages.Sink sink = new BenchStages.Sink();

    @Setup
    public void setup() {
        stage = BenchStages.create("json", null);
        String[] lines = lines(new Random(1));
        textRecords = BenchStages.records(lines);
        utf8Lines = new byte[lines.length][];
        origins = new Origin[lines.length];
        for (int i = 0; i < lines.length; i++) {
            utf8Lines[i] = lines[i].getBytes(StandardCharsets.UTF_8);
            origins[i] = textRecords[i].origin();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BenchStages.LINES)
    public void process(Blackhole bh) {
        sink.bh = bh;
        if (form.equals("text")) {
            for (LogRecord r : textRecords) stage.process(r, sink);
        } else {
            byte[][] lines = utf8Lines;
            for (int i = 0; i < lines.length; i++) {
                stage.process(LogRecord.ofUtf8(TIME, lines[i], origins[i], Finalizer.NONE, 0), sink);
            }
        }
    }

    static String[] lines(Random rnd) {
        String[] lines = new String[BenchStages.LINES];
        String[] levels = {"info", "warn", "error", "debug"};
        for (int i = 0; i < lines.length; i++) {
            lines[i] = "{\"ts\":\"2026-11-27T05:59:" + (10 + rnd.nextInt(50)) + "." + (100 + rnd.nextInt(900))
                    + "Z\",\"level\":\"" + levels[rnd.nextInt(4)] + "\",\"logger\":\"com.example.shop.OrderService\","
                    + "\"msg\":\"order " + rnd.nextInt(1_000_000) + " processed\",\"duration_ms\":" + rnd.nextInt(500)
                    + "." + rnd.nextInt(100) + ",\"ok\":true,\"http\":{\"method\":\"GET\",\"status\":200}}";
        }
        return lines;
    }
}
