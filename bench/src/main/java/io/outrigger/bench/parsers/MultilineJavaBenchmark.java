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

/** {@code multiline} stage, java preset, on ~200-byte lines: log lines with a stack trace every 20 lines; score = lines/s. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class MultilineJavaBenchmark {

    private Stage stage;
    private LogRecord[] records;
    private final BenchStages.Sink sink = new BenchStages.Sink();

    @Setup
    public void setup() {
        stage = BenchStages.create("multiline", "{\"preset\":\"java\"}");
        Random rnd = new Random(5);
        String[] lines = new String[BenchStages.LINES];
        int i = 0;
        while (i < lines.length) {
            if (i % 20 == 19 && i + 6 < lines.length) {
                lines[i++] = "2026-11-27 05:59:59.002 ERROR 1 --- [nio-8080-exec-" + rnd.nextInt(10)
                        + "] o.a.c.c.C.[.[.[/].[dispatcherServlet] : Servlet.service() for servlet threw exception";
                lines[i++] = "java.lang.IllegalStateException: order " + rnd.nextInt(1_000_000) + " is not payable in the current state";
                for (int f = 0; f < 4; f++) {
                    lines[i++] = "\tat com.example.shop.service.payment.OrderPaymentService.payOrderWithRetries(OrderPaymentService.java:"
                            + rnd.nextInt(500) + ")";
                }
                lines[i++] = "\t... 48 more";
            } else {
                lines[i++] = "2026-11-27 05:59:58.001  INFO 1 --- [nio-8080-exec-" + rnd.nextInt(10)
                        + "] c.e.shop.web.OrderController : order " + rnd.nextInt(1_000_000)
                        + " accepted for customer " + rnd.nextInt(100_000) + " with 3 items, total 129.90 EUR";
            }
        }
        records = BenchStages.records(lines);
    }

    @Benchmark
    @OperationsPerInvocation(BenchStages.LINES)
    public void multilineJava(Blackhole bh) {
        sink.bh = bh;
        for (LogRecord r : records) stage.process(r, sink);
    }
}
