package io.outrigger.bench.parsers;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Lines per CPU-second of this thread for each parser benchmark: a number that a busy shared machine distorts far
 * less than JMH's wall-clock throughput. Also the bytes this thread allocated per line, which the machine does not
 * distort at all: garbage collection runs on other threads, so its cost is missing from the CPU-seconds. Run: {@code java -cp <bench classpath> io.outrigger.bench.parsers.ParserCpuRate}.
 */
public final class ParserCpuRate {

    private ParserCpuRate() {}

    public static void main(String[] args) {
        Blackhole bh = new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        JsonParseBenchmark json = new JsonParseBenchmark();
        json.setup();
        JsonParseBenchmark jsonText = new JsonParseBenchmark();
        jsonText.form = "text";
        jsonText.setup();
        LogfmtParseBenchmark logfmt = new LogfmtParseBenchmark();
        logfmt.setup();
        RegexNginxBenchmark nginx = new RegexNginxBenchmark();
        nginx.setup();
        CriParseBenchmark cri = new CriParseBenchmark();
        cri.setup();
        MultilineJavaBenchmark multiline = new MultilineJavaBenchmark();
        multiline.setup();
        JsonVariedBenchmark varied = new JsonVariedBenchmark();
        varied.setup();
        JsonVariedBenchmark variedJackson = new JsonVariedBenchmark();
        variedJackson.parser = "jackson";
        variedJackson.setup();
        for (int round = 0; round < 2; round++) {
            boolean report = round == 1;
            measure("json (utf8 records)", () -> json.process(bh), report);
            measure("json (text records)", () -> jsonText.process(bh), report);
            measure("logfmt", () -> logfmt.process(bh), report);
            measure("regex nginx_combined", () -> nginx.process(bh), report);
            measure("cri", () -> cri.process(bh), report);
            measure("multiline java", () -> multiline.process(bh), report);
            measure("json varied (ours)", () -> varied.process(bh), report, JsonVariedBenchmark.LINES);
            measure("json varied (jackson)", () -> variedJackson.process(bh), report, JsonVariedBenchmark.LINES);
            measure("json varied (ours)", () -> varied.process(bh), report, JsonVariedBenchmark.LINES);
            measure("json varied (jackson)", () -> variedJackson.process(bh), report, JsonVariedBenchmark.LINES);
        }
        bh.evaporate("Yes, I am Stephen Hawking, and know a thing or two about black holes.");
    }

    private static void measure(String name, Runnable batch, boolean report) {
        measure(name, batch, report, BenchStages.LINES);
    }

    private static void measure(String name, Runnable batch, boolean report, int linesPerBatch) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long wallEnd = System.nanoTime() + 4_000_000_000L;
        long cpuStart = mx.getCurrentThreadCpuTime();
        long allocStart = allocated(mx);
        long batches = 0;
        while (System.nanoTime() < wallEnd) {
            batch.run();
            batches++;
        }
        long cpu = mx.getCurrentThreadCpuTime() - cpuStart;
        long alloc = allocated(mx) - allocStart;
        if (report) {
            long lines = batches * linesPerBatch;
            System.out.printf("%-22s %,12.0f lines per CPU-second %,8.0f bytes allocated per line%n", name,
                    lines * 1e9 / cpu, alloc < 0 ? Double.NaN : (double) alloc / lines);
        }
    }

    /** Bytes this thread has allocated so far, or a negative number where the JVM cannot tell. */
    private static long allocated(ThreadMXBean mx) {
        return mx instanceof com.sun.management.ThreadMXBean sun ? sun.getCurrentThreadAllocatedBytes() : -1;
    }
}
