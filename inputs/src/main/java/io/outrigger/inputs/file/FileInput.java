package io.outrigger.inputs.file;

import io.methvin.watcher.DirectoryChangeEvent;
import io.methvin.watcher.DirectoryWatcher;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Emitter;
import io.outrigger.core.pipeline.Input;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.helpers.NOPLogger;

/**
 * A {@code type: file} input: one reader thread runs {@link FileTailer} passes back to back while there is data,
 * and otherwise sleeps until a file event (directory-watcher on each glob's base directory) or the tailer's next
 * timed duty ({@link FileTailer#nextDueMillis}: the rescan, an idle flush, a stream to end, a file to close). While
 * every base directory that exists is watched, an idle input wakes up only for those; where one cannot be watched
 * (events are not sent on every volume), open files are also polled every 10-250 ms, as events would have told.
 */
final class FileInput implements Input {

    private static final System.Logger LOG = System.getLogger(FileInput.class.getName());

    private final FileInputConfig config;
    private final ComponentContext ctx;
    private final long pollMillis;
    private final Semaphore wake = new Semaphore(0);
    private final Map<Path, DirectoryWatcher> watchers = new HashMap<>();
    private final Set<Path> unwatchable = new HashSet<>();

    private volatile FileTailer tailer;
    private volatile Thread thread;
    private volatile boolean stopping;
    private volatile boolean ready;

    FileInput(FileInputConfig config, ComponentContext ctx) {
        this.config = config;
        this.ctx = ctx;
        long shortest = Math.min(config.rescanInterval().toMillis(), config.idleFlush().toMillis());
        this.pollMillis = Math.clamp(shortest / 2, 10, 250);
    }

    @Override public void start(Emitter emitter) {
        if (thread != null) throw new IllegalStateException("input " + ctx.name() + " already started");
        tailer = new FileTailer(config, ctx, emitter);
        thread = Thread.ofPlatform().daemon().name("outrigger-input-" + ctx.name()).start(this::run);
    }

    private void run() {
        FileTailer t = tailer;
        long watchedAtScan = -1;
        try {
            while (!stopping) {
                boolean progress;
                try {
                    progress = t.pass();
                } catch (RuntimeException e) {
                    // a bug must not end the input: log it, pause a little, carry on
                    LOG.log(System.Logger.Level.ERROR, "input " + ctx.name() + ": unexpected error, retrying in 1s", e);
                    progress = false;
                    Thread.sleep(1000);
                }
                if (t.scans() != watchedAtScan) {
                    watchedAtScan = t.scans();
                    updateWatchers(t);
                }
                ready = true;
                if (!progress) {
                    long now = ctx.clock().millis();
                    long wait = Math.max(1, t.nextDueMillis(now) - now);
                    if (!eventsCover(t)) wait = Math.min(wait, pollMillis);
                    wake.tryAcquire(wait, TimeUnit.MILLISECONDS);
                    wake.drainPermits();
                }
            }
        } catch (InterruptedException e) {
            // stopping
        } finally {
            t.close();
            closeWatchers();
        }
    }

    /** Every base directory that exists has a running watcher: file events tell of every change. */
    private boolean eventsCover(FileTailer t) {
        for (Path root : t.watchRoots()) {
            DirectoryWatcher w = watchers.get(root);
            if (w != null ? w.isClosed() : Files.isDirectory(root)) return false;
        }
        return true;
    }

    /** Watches every base directory that exists; drops watchers of ones that went away. */
    private void updateWatchers(FileTailer t) {
        for (Path root : t.watchRoots()) {
            if (root.getNameCount() == 0) continue; // never watch a whole filesystem; rescans cover it
            DirectoryWatcher w = watchers.get(root);
            boolean exists = Files.isDirectory(root);
            if (w != null && (!exists || w.isClosed())) {
                closeQuietly(w);
                watchers.remove(root);
                w = null;
            }
            if (w == null && exists && !stopping && !unwatchable.contains(root)) {
                try {
                    w = DirectoryWatcher.builder()
                            .path(root)
                            .fileHashing(false)
                            .logger(NOPLogger.NOP_LOGGER)
                            .listener(this::onEvent)
                            .build();
                    w.watchAsync(r -> Thread.ofPlatform().daemon().name("outrigger-watch-" + ctx.name()).start(r));
                    watchers.put(root, w);
                } catch (IOException | RuntimeException e) {
                    // events are an optimisation: rescans still find everything; do not walk the tree again
                    unwatchable.add(root);
                    LOG.log(System.Logger.Level.DEBUG, "input {0}: cannot watch {1}: {2}", ctx.name(), root, e.toString());
                }
            }
        }
    }

    private void onEvent(DirectoryChangeEvent e) {
        FileTailer t = tailer;
        if (t == null) return;
        switch (e.eventType()) {
            case MODIFY -> {
                if (e.path() != null) t.hintModified(e.path());
            }
            default -> t.requestScan();
        }
        if (wake.availablePermits() == 0) wake.release();
    }

    private void closeWatchers() {
        for (DirectoryWatcher w : watchers.values()) closeQuietly(w);
        watchers.clear();
    }

    private static void closeQuietly(DirectoryWatcher w) {
        try {
            w.close();
        } catch (IOException | RuntimeException ignored) {
            // nothing to lose
        }
    }

    @Override public void stop(long deadlineNanos) throws InterruptedException {
        stopping = true;
        Thread t = thread;
        if (t == null) return;
        t.interrupt();
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        if (t.isAlive()) {
            LOG.log(System.Logger.Level.WARNING, "input {0}: reader thread did not stop before the deadline", ctx.name());
        }
    }

    @Override public boolean isReady() { return ready && !stopping; }

    /** For tests. */
    FileTailer tailer() { return tailer; }
}
