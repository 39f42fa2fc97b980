package io.outrigger.bench.core;

import io.outrigger.core.event.Fields;
import io.outrigger.core.event.JsonBuffer;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Origin;
import io.outrigger.core.event.RecordJson;
import io.outrigger.core.event.Value;
import io.outrigger.core.pipeline.Finalizer;
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

/**
 * Renders records in the ECS-like JSON shape the file, stdout and Elasticsearch outputs write, as the output thread
 * does: the e2e benchmark's ~210-byte JSON lines as messages, bare ({@code plain}) or with the fields the
 * {@code json} stage makes of them ({@code parsed}); the message held as text ({@code text}) or as the UTF-8 bytes
 * the file input reads ({@code utf8}). Score = records/s on one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class RecordJsonBenchmark {

    static final int RECORDS = 1024;

    @Param({"plain", "parsed"})
    public String shape;

    @Param({"utf8", "text"})
    public String form;

    private final RecordJson json = new RecordJson();
    private final JsonBuffer buffer = new JsonBuffer(1 << 20);
    private LogRecord[] records;

    @Setup
    public void setup() {
        records = records(new Random(7), shape.equals("parsed"));
        if (form.equals("utf8")) {
            for (int i = 0; i < records.length; i++) {
                LogRecord r = records[i];
                records[i] = LogRecord.ofUtf8(r.timeNanos(), r.message().getBytes(StandardCharsets.UTF_8), r.origin(),
                        r.finalizer(), r.flags()).toBuilder().fields(r.fields()).build();
            }
        }
    }

    static LogRecord[] records(Random rnd, boolean parsed) {
        String[] levels = {"INFO", "WARN", "ERROR", "DEBUG"};
        LogRecord[] out = new LogRecord[RECORDS];
        long t = 1_795_000_000_000_000_000L;
        for (int i = 0; i < RECORDS; i++) {
            String level = levels[rnd.nextInt(4)];
            int order = rnd.nextInt(10_000_000);
            int duration = rnd.nextInt(997);
            String trace = Long.toHexString(rnd.nextLong());
            String time = "2026-11-27T05:" + (10 + rnd.nextInt(50)) + ":" + (10 + rnd.nextInt(50)) + "." + (100 + rnd.nextInt(900)) + "Z";
            String line = "{\"time\":\"" + time + "\",\"level\":\"" + level + "\",\"logger\":\"com.example.checkout.Service\","
                    + "\"msg\":\"order processed for customer\",\"order_id\":" + order + ",\"duration_ms\":" + duration
                    + ",\"trace\":\"" + trace + "\",\"region\":\"eu-west-1\"}";
            LogRecord.Builder b = LogRecord.builder().timeNanos(t + i * 1_000_000L).message(line)
                    .origin(new Origin("app", "/var/log/app/app.log", "2049:1234", i * 210L, i * 210L + 210))
                    .finalizer(Finalizer.NONE);
            if (parsed) {
                b.fields(Fields.builder().put("time", new Value.Str(time)).put("level", new Value.Str(level))
                        .put("logger", new Value.Str("com.example.checkout.Service"))
                        .put("msg", new Value.Str("order processed for customer")).put("order_id", new Value.Int(order))
                        .put("duration_ms", new Value.Int(duration)).put("trace", new Value.Str(trace))
                        .put("region", new Value.Str("eu-west-1")).build());
            }
            out[i] = b.build();
        }
        return out;
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public int render() {
        buffer.reset();
        for (LogRecord r : records) {
            json.append(buffer, r);
            buffer.append('\n');
        }
        return buffer.length();
    }
}
