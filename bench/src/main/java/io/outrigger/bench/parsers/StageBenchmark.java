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

/**
 * One stage on {@link BenchStages#LINES} generated ~200-byte lines; score = lines/s on one thread. A subclass
 * names the stage and generates its lines; JMH runs the inherited {@link #process} for each subclass.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public abstract class StageBenchmark {

    private Stage stage;
    private LogRecord[] records;
    private final BenchStages.Sink sink = new BenchStages.Sink();

    /** The stage's type, e.g. {@code json}. */
    abstract String type();

    /** The stage's options as JSON, or null for none. */
    String options() { return null; }

    /** The sample lines, from a seeded generator. */
    abstract String[] lines(Random rnd);

    abstract long seed();

    @Setup
    public void setup() {
        stage = BenchStages.create(type(), options());
        records = BenchStages.records(lines(new Random(seed())));
    }

    @Benchmark
    @OperationsPerInvocation(BenchStages.LINES)
    public void process(Blackhole bh) {
        sink.bh = bh;
        for (LogRecord r : records) stage.process(r, sink);
    }
}
