package io.outrigger.inputs.file;

import static io.outrigger.inputs.file.Fixture.append;
import static io.outrigger.inputs.file.Fixture.expected;
import static io.outrigger.inputs.file.Fixture.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Input;
import io.outrigger.core.telemetry.Metrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The input with its own thread, real clock and file events. */
class FileInputTest {

    @TempDir Path dir;
    private final TestEmitter emitter = new TestEmitter();
    private final CheckpointStore store = CheckpointStore.inMemory();

    private Input start(FileInputConfig config) {
        ComponentContext ctx = new ComponentContext("app", Metrics.newIsolated(), InstantSource.system(), null, null,
                store, Map.of());
        Input in = new FileInputFactory().create(config, ctx);
        in.start(emitter);
        return in;
    }

    private static FileInputConfig config(String glob) {
        return new FileInputConfig(List.of(glob), null, null, null, Duration.ofMillis(100), Duration.ofMillis(200),
                null, null, null, null);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(10);
        }
    }

    private static void stop(Input in) throws InterruptedException {
        in.stop(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
    }

    @Test void followsFilesIncludingOnesInNewDirectoriesAndPartialLines() throws Exception {
        Input in = start(config(dir + "/**/*.log"));
        try {
            await(in::isReady, "ready");
            append(dir.resolve("a.log"), lines("a", 0, 100));
            await(() -> emitter.size() == 100, "100 lines");
            append(dir.resolve("x/y/b.log"), "b0\nno newline");
            await(() -> emitter.messages().contains("no newline"), "the partial line after idle_flush");
            assertEquals(expected("a", 0, 100), emitter.messages().subList(0, 100));
        } finally {
            stop(in);
        }
    }

    @Test void fileEventsFindNewFilesLongBeforeTheRescan() throws Exception {
        FileInputConfig slowRescan = new FileInputConfig(List.of(dir + "/**/*.log"), null, null, null,
                Duration.ofMinutes(10), Duration.ofMillis(200), null, null, null, null);
        Input in = start(slowRescan);
        try {
            await(in::isReady, "ready");
            append(dir.resolve("new/sub/e.log"), "by event\n");
            await(() -> emitter.messages().contains("by event"), "a line found through a file event");
        } finally {
            stop(in);
        }
    }

    @Test void backpressureSlowsReadingAndStopInterruptsABlockedEmit() throws Exception {
        Path log = dir.resolve("bp.log");
        append(log, lines("x", 0, 10));
        emitter.block();
        Input in = start(config(dir + "/bp.log"));
        Thread.sleep(300);
        assertEquals(0, emitter.size(), "emit is blocked, nothing accepted");
        emitter.unblock();
        await(() -> emitter.size() == 10, "lines after unblocking");

        emitter.block();
        append(log, lines("x", 10, 20));
        Thread.sleep(300);
        assertEquals(10, emitter.size());
        long t0 = System.nanoTime();
        stop(in);
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "stop did not wait for the blocked emit");
        assertFalse(in.isReady());
        String id = Fixture.fileId(log);
        assertEquals(0, store.get("app", id).offset(), "nothing acknowledged, nothing committed");
        emitter.unblock();
    }

    @Test void resumesFromCheckpointAfterRestart() throws Exception {
        Path log = dir.resolve("r.log");
        append(log, lines("r", 0, 5));
        emitter.autoRelease(true);
        Input in = start(config(dir + "/r.log"));
        await(() -> emitter.size() == 5, "first lines");
        stop(in);
        append(log, lines("r", 5, 8));
        emitter.clear();
        Input again = start(config(dir + "/r.log"));
        try {
            await(() -> emitter.size() == 3, "only the new lines");
            Thread.sleep(200);
            assertEquals(expected("r", 5, 8), emitter.messages());
            Files.delete(log);
        } finally {
            stop(again);
        }
    }
}
