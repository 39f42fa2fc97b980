package io.outrigger.inputs.file;

import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Emitter;
import io.outrigger.core.telemetry.Metrics;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

/**
 * Not a test: a rough single-thread throughput check of the read path (read, split, decode, records, emit,
 * acknowledge). Run: {@code java -cp <test+main classpath> io.outrigger.inputs.file.ThroughputMain [lines]}.
 */
public final class ThroughputMain {

    public static void main(String[] args) throws Exception {
        int lines = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path dir = Files.createTempDirectory("outrigger-tp");
        Path log = dir.resolve("bench.log");
        byte[] line = ("2026-11-27T07:00:00.000Z INFO  [main] io.outrigger.Bench - request handled method=GET path=/api/v1/items/"
                + "12345 status=200 duration_ms=12 user=alice trace=4bf92f3577b34da6a3ce929d0e0e4736 span=00f067aa0ba902b7\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] padded = new byte[210];
        System.arraycopy(line, 0, padded, 0, Math.min(line.length, 209));
        for (int i = Math.min(line.length, 209); i < 209; i++) padded[i] = 'x';
        padded[209] = '\n';
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(log), 1 << 20)) {
            for (int i = 0; i < lines; i++) out.write(padded);
        }
        try {
            for (int round = 0; round < 5; round++) {
                long[] count = new long[1];
                Emitter emitter = new Emitter() {
                    @Override public void emit(List<LogRecord> records) {
                        count[0] += records.size();
                        for (LogRecord r : records) r.finalizer().release();
                    }
                };
                ComponentContext ctx = new ComponentContext("bench", Metrics.newIsolated(), InstantSource.system(), null,
                        null, CheckpointStore.inMemory(), Map.of());
                FileTailer t = new FileTailer(FileInputConfig.of(dir + "/*.log"), ctx, emitter);
                long t0 = System.nanoTime();
                while (count[0] < lines) t.pass();
                long ns = System.nanoTime() - t0;
                t.close();
                System.out.printf("round %d: %,d lines in %d ms = %,.0f lines/s, %.0f MB/s%n", round, count[0],
                        ns / 1_000_000, count[0] * 1e9 / ns, count[0] * 210.0 * 1e3 / ns);
            }
        } finally {
            Files.deleteIfExists(log);
            Files.deleteIfExists(dir);
        }
    }
}
