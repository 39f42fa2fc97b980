package io.outrigger.inputs.file;

import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.config.ByteSize;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.telemetry.Metrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** What the file input tests share: a fake clock, an in-memory checkpoint store, fresh metrics, helpers. */
final class Fixture {

    static final String INPUT = "app";

    /** A clock the test moves. */
    static final class FakeClock implements InstantSource {
        private final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

        @Override public Instant instant() { return Instant.ofEpochMilli(millis.get()); }

        void advance(Duration d) { millis.addAndGet(d.toMillis()); }
    }

    final FakeClock clock = new FakeClock();
    final Metrics metrics = Metrics.newIsolated();
    CheckpointStore store = CheckpointStore.inMemory();
    final TestEmitter emitter = new TestEmitter();

    ComponentContext context() {
        return new ComponentContext(INPUT, metrics, clock, null, null, store, Map.of());
    }

    FileTailer tailer(FileInputConfig config) { return new FileTailer(config, context(), emitter); }

    /** A config with short times so tests move the fake clock by small steps. */
    static FileInputConfig config(List<String> paths, List<String> exclude, String readFrom) {
        return new FileInputConfig(paths, exclude, readFrom, null, Duration.ofSeconds(2), Duration.ofSeconds(1), null,
                Duration.ofSeconds(30), null, null);
    }

    static FileInputConfig config(String... paths) { return config(List.of(paths), null, null); }

    /** Runs passes until one reads nothing. */
    static void drain(FileTailer t) throws InterruptedException {
        for (int i = 0; i < 100_000 && t.pass(); i++) {
            // keep going
        }
    }

    /** Moves the clock past a rescan and the idle flush, then drains. */
    void later(FileTailer t) throws InterruptedException {
        clock.advance(Duration.ofSeconds(3));
        drain(t);
    }

    static void append(Path p, String text) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static String lines(String prefix, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) sb.append(prefix).append(i).append('\n');
        return sb.toString();
    }

    static List<String> expected(String prefix, int from, int to) {
        return java.util.stream.IntStream.range(from, to).mapToObj(i -> prefix + i).toList();
    }

    double counter(String name) {
        return metrics.counter(name, "", "input").labelValues(INPUT).get();
    }

    double errors(String reason) {
        return metrics.counter("outrigger_input_file_errors_total", "", "input", "reason").labelValues(INPUT, reason).get();
    }

    /** A gauge's value for this input, whether it is set or computed when scraped. */
    double gauge(String name) {
        for (var m : metrics.registry().scrape()) {
            if (!m.getMetadata().getPrometheusName().equals(name)) continue;
            for (var d : m.getDataPoints()) {
                if (INPUT.equals(d.getLabels().get("input"))) {
                    return ((io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot) d).getValue();
                }
            }
        }
        throw new AssertionError("no gauge " + name + " for input " + INPUT);
    }

    static String fileId(Path p) { return FileScanner.identityOf(p); }

    static ByteSize size(long b) { return ByteSize.ofBytes(b); }
}
