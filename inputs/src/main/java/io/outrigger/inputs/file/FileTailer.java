package io.outrigger.inputs.file;

import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.checkpoint.FileCheckpoint;
import io.outrigger.core.checkpoint.OffsetTracker;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Origin;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Emitter;
import io.outrigger.core.pipeline.Finalizer;
import io.outrigger.inputs.file.FileScanner.Found;
import io.outrigger.inputs.file.LineSplitter.LineBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;

/**
 * The file input's work, one {@link #pass()} at a time, on one thread: expand the globs when due, give every file
 * one read turn (one block, round-robin, so a busy file cannot starve the others), then the timed duties (emit a
 * partial last line after {@code idle_flush}, report ended streams, release drained rotated files, close idle
 * ones). {@link FileInput} runs passes on its thread; tests run them directly with a fake clock.
 */
final class FileTailer implements AutoCloseable {

    static final int FINGERPRINT_BYTES = 256;

    private final String input;
    private final boolean tail;
    private final int maxLineBytes;
    private final boolean skipEmptyLines;
    private final long rescanMillis;
    private final long idleFlushMillis;
    private final long closeIdleMillis;
    private final int maxOpenFiles;
    private final InstantSource clock;
    private final CheckpointStore store;
    private final Emitter emitter;
    private final InputMetrics metrics;
    private final AutoCloseable bytesBehindGauge;
    /** The files being tailed, as of the last scan: read by {@link #bytesBehind()} on the scraping thread. */
    private volatile List<TailedFile> tracked = List.of();
    private final PathErrors errors;
    private final FileScanner scanner;
    private final List<Path> watchRoots;

    private final Map<String, TailedFile> files = new HashMap<>();
    private final Map<Path, TailedFile> byPath = new HashMap<>();
    private final List<TailedFile> order = new ArrayList<>();
    private final Set<Path> modified = ConcurrentHashMap.newKeySet();
    private final byte[] buf;
    private final ByteBuffer block;
    private final ByteBuffer fingerprintBuf = ByteBuffer.allocate(FINGERPRINT_BYTES);
    private final LineBatch batch = new LineBatch();

    private volatile boolean scanRequested;
    private boolean scanned;
    private long nextScanMillis;
    private long scans;
    private int openCount;
    private int turn;

    FileTailer(FileInputConfig config, ComponentContext ctx, Emitter emitter) {
        this.input = ctx.name();
        this.tail = FileInputConfig.TAIL.equals(config.readFrom());
        this.maxLineBytes = (int) config.maxLineBytes().bytes();
        this.skipEmptyLines = config.skipEmptyLines();
        this.rescanMillis = config.rescanInterval().toMillis();
        this.idleFlushMillis = config.idleFlush().toMillis();
        this.closeIdleMillis = config.closeIdleAfter().toMillis();
        this.maxOpenFiles = config.maxOpenFiles();
        this.clock = ctx.clock();
        this.store = ctx.checkpoints();
        this.emitter = emitter;
        this.metrics = new InputMetrics(ctx.metrics(), input);
        this.bytesBehindGauge = ctx.metrics().gaugeFunction("outrigger_input_bytes_behind",
                "Bytes written to matched files and not yet acknowledged (file size now minus committed offset), "
                        + "counted when scraped, so also while the input waits for buffer room", "input", input, this::bytesBehind);
        this.errors = new PathErrors(input, metrics);
        List<Glob> includes = config.paths().stream().map(Glob::compile).toList();
        List<Glob> excludes = config.exclude().stream().map(Glob::compileExclude).toList();
        this.scanner = new FileScanner(includes, excludes, errors);
        this.watchRoots = roots(includes);
        this.buf = new byte[(int) config.readBuffer().bytes()];
        this.block = ByteBuffer.wrap(buf);
    }

    /** The base directories of the globs, none inside another: where file events are watched. */
    private static List<Path> roots(List<Glob> globs) {
        Set<Path> bases = new LinkedHashSet<>();
        for (Glob g : globs) bases.add(g.base());
        List<Path> out = new ArrayList<>();
        for (Path b : bases) {
            boolean nested = false;
            for (Path other : bases) if (!other.equals(b) && b.startsWith(other)) nested = true;
            if (!nested) out.add(b);
        }
        return out;
    }

    List<Path> watchRoots() { return watchRoots; }

    /** Expand the globs at the next pass (a file or directory was created or deleted). */
    void requestScan() { scanRequested = true; }

    /** A file event said this path changed; a closed file there is looked at before the next rescan. */
    void hintModified(Path p) {
        if (modified.size() < 100_000) modified.add(p);
    }

    long scans() { return scans; }

    int openFiles() { return openCount; }

    int trackedFiles() { return order.size(); }

    /**
     * One round of work. Returns true when bytes were read (call again at once); false when every file was at
     * its end (wait a little, or for a file event).
     *
     * @throws InterruptedException the emitter was interrupted: the input is stopping
     */
    boolean pass() throws InterruptedException {
        long now = clock.millis();
        if (!scanned || scanRequested || now >= nextScanMillis) {
            scanRequested = false;
            scan(now);
            nextScanMillis = now + rescanMillis;
        }
        if (!modified.isEmpty()) applyHints();
        boolean progress = false;
        int n = order.size();
        // rotated-away files first: their lines are older than those of the file now at their path
        for (int i = 0; i < n; i++) {
            TailedFile f = order.get(i);
            if (f.detached && !f.released) progress |= turn(f, now);
        }
        if (n > 0) {
            int start = Math.floorMod(turn++, n);
            for (int k = 0; k < n; k++) {
                TailedFile f = order.get((start + k) % n);
                if (!f.released && !f.detached) progress |= turn(f, now);
            }
        }
        tick(now);
        purge();
        return progress;
    }

    // ---------------------------------------------------------------------------------------------- scanning

    private void scan(long now) throws InterruptedException {
        Map<String, Found> found = scanner.scan();
        boolean first = !scanned;
        Map<Path, TailedFile> before = new HashMap<>(byPath);
        for (Found fd : found.values()) {
            TailedFile f = files.get(fd.fileId());
            if (f != null) {
                if (!f.path.equals(fd.path())) {
                    if (byPath.get(f.path) == f) byPath.remove(f.path);
                    f.setPath(fd.path());
                }
                f.detached = false;
                if (!f.isOpen()) f.knownSize = fd.size();
                else if (f.initialized && f.fingerprint != 0) checkStillSameContent(f, now);
                byPath.put(fd.path(), f);
            } else {
                f = new TailedFile(input, store, fd.fileId(), fd.path(), fd.size(), first, now);
                files.put(f.fileId, f);
                order.add(f);
                byPath.put(fd.path(), f);
                TailedFile previous = before.get(fd.path());
                if (previous != null && !previous.released) metrics.rotations.inc(); // another file was there
            }
        }
        for (TailedFile f : order) {
            if (f.released) continue;
            if (!found.containsKey(f.fileId) && !f.detached
                    && !f.fileId.equals(FileScanner.identityOf(f.path))) { // else still there; the walk missed it
                f.detached = true;
                f.detachedMillis = now;
            }
        }
        tracked = List.copyOf(order);
        if (first) forgetVanishedCheckpoints(found);
        scanned = true;
        scans++;
    }

    /**
     * Copytruncate followed by writes past our offset before we looked leaves the file longer than what was read,
     * so only its first bytes tell: if they changed, the file was rewritten and is read again from 0.
     */
    private void checkStillSameContent(TailedFile f, long now) throws InterruptedException {
        long fp;
        try {
            fp = fingerprint(f.channel, f.channel.size());
        } catch (ClosedByInterruptException e) {
            throw interrupted();
        } catch (IOException e) {
            return; // the next read reports it
        }
        if (fp != f.fingerprint) restart(f, fp, now, true);
    }

    /**
     * Checkpoints of files deleted or rotated away while the agent was down would stay forever: at the first scan,
     * those whose file is neither matched nor still at its path go, but only when the path's directory exists (a
     * volume not mounted yet keeps its checkpoints).
     */
    private void forgetVanishedCheckpoints(Map<String, Found> found) {
        for (FileCheckpoint cp : store.forInput(input)) {
            if (found.containsKey(cp.fileId()) || files.containsKey(cp.fileId())) continue;
            Path p;
            try {
                p = Path.of(cp.path());
            } catch (RuntimeException e) {
                continue;
            }
            Path parent = p.getParent();
            if (parent == null || !Files.isDirectory(parent)) continue;
            if (cp.fileId().equals(FileScanner.identityOf(p))) continue;
            store.remove(input, cp.fileId());
        }
    }

    private void applyHints() {
        for (Path p : modified) {
            modified.remove(p);
            TailedFile f = byPath.get(p);
            if (f != null && !f.isOpen() && !f.released) {
                try {
                    f.knownSize = Files.size(p);
                } catch (IOException e) {
                    requestScan();
                }
            }
        }
    }

    // ----------------------------------------------------------------------------------------------- reading

    private boolean turn(TailedFile f, long now) throws InterruptedException {
        if (!f.isOpen()) {
            if (f.detached) {
                if (f.initialized) release(f);
                else drop(f);
                return false;
            }
            if (f.initialized && f.knownSize == f.readOffset) return false;
            if (!freeSlot(f) || !open(f, now)) return false;
        }
        return read(f, now);
    }

    /** Makes room for one more open file: closes the longest-idle file, or one that has had its turn. */
    private boolean freeSlot(TailedFile wanting) {
        if (openCount < maxOpenFiles) return true;
        TailedFile victim = null;
        for (TailedFile f : order) {
            if (f == wanting || !f.isOpen() || f.detached || f.released) continue;
            if (f.atEof) {
                if (victim == null || !victim.atEof || f.lastDataMillis < victim.lastDataMillis) victim = f;
            } else if (f.turnsSinceOpen > 0 && (victim == null || !victim.atEof && f.openedMillis < victim.openedMillis)) {
                victim = f;
            }
        }
        if (victim == null) return false;
        try {
            victim.knownSize = Math.max(victim.channel.size(), victim.readOffset + (victim.atEof ? 0 : 1));
        } catch (IOException e) {
            victim.knownSize = victim.readOffset + 1; // look again when reopened
        }
        close(victim);
        return true;
    }

    private boolean open(TailedFile f, long now) throws InterruptedException {
        Path p = f.path;
        if (!f.fileId.equals(FileScanner.identityOf(p))) {
            vanished(f);
            return false;
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(p, StandardOpenOption.READ);
        } catch (ClosedByInterruptException e) {
            throw interrupted();
        } catch (IOException e) {
            errors.report(p, e);
            drop(f);
            return false;
        }
        long fp;
        long size;
        try {
            if (!f.fileId.equals(FileScanner.identityOf(p))) { // replaced between the check and the open
                ch.close();
                vanished(f);
                return false;
            }
            size = ch.size();
            fp = fingerprint(ch, size);
        } catch (ClosedByInterruptException e) {
            throw interrupted();
        } catch (IOException e) {
            closeQuietly(ch);
            errors.report(p, e);
            drop(f);
            return false;
        }
        errors.clear(p);
        f.channel = ch;
        openCount++;
        metrics.filesOpen.set(openCount);
        f.openedMillis = now;
        f.turnsSinceOpen = 0;
        f.atEof = false;
        if (!f.initialized) {
            start(f, fp, size);
        } else if (f.fingerprint != 0 && fp != f.fingerprint) {
            // the inode was freed while the file was closed and now holds another file
            restart(f, fp, now, false);
        } else if (f.fingerprint == 0) {
            f.fingerprint = fp;
        }
        return true;
    }

    /** Where a newly opened file starts: its checkpoint if it is the same file, else head or tail. */
    private void start(TailedFile f, long fp, long size) {
        f.fingerprint = fp;
        FileCheckpoint cp = store.get(input, f.fileId);
        long at;
        if (cp != null && (cp.fingerprint() == fp || cp.fingerprint() == 0)) {
            if (cp.offset() <= size) {
                at = cp.offset();
            } else {
                at = 0;
                metrics.truncations.inc();
            }
        } else if (tail && f.foundAtStart) {
            at = Math.min(f.initialSize, size);
        } else {
            at = 0;
        }
        f.startAt(at, maxLineBytes, skipEmptyLines);
        f.initialized = true;
    }

    private boolean read(TailedFile f, long now) throws InterruptedException {
        FileChannel ch = f.channel;
        int n;
        try {
            block.clear();
            n = ch.read(block, f.readOffset);
            f.turnsSinceOpen++;
            if (n <= 0) {
                long size = ch.size();
                f.knownSize = size;
                if (size < f.readOffset) {
                    restart(f, fingerprint(ch, size), now, true);
                    return true;
                }
                f.atEof = true;
                return false;
            }
        } catch (ClosedByInterruptException e) {
            throw interrupted();
        } catch (IOException e) {
            errors.report(f.path, e);
            if (f.detached) release(f);
            else drop(f);
            return false;
        }
        long base = f.readOffset;
        f.readOffset += n;
        if (f.knownSize < f.readOffset) f.knownSize = f.readOffset;
        f.lastDataMillis = now;
        f.atEof = false;
        f.endOfStreamSent = false;
        metrics.bytesRead.inc(n);
        metrics.lastRead.set(now / 1000.0);
        if (f.fingerprint == 0 && f.readOffset >= FINGERPRINT_BYTES) {
            try {
                f.fingerprint = fingerprint(ch, f.readOffset);
            } catch (IOException e) {
                // try again after the next block
            }
        }
        batch.clear(f.tracker().submitted());
        f.lines.feed(buf, n, base, batch);
        emit(f);
        return true;
    }

    /** Hands the batch's lines to the emitter as one list, all sharing the finalizer of one tracker chunk. */
    private void emit(TailedFile f) throws InterruptedException {
        int count = batch.size;
        OffsetTracker tracker = f.tracker();
        long end = Math.max(batch.boundary, tracker.submitted());
        if (count == 0) {
            if (end > tracker.submitted()) tracker.submit(end, 0);
            return;
        }
        Finalizer fin = tracker.submit(end, count);
        Instant t = clock.instant();
        long timeNanos = LogRecord.epochNanos(t);
        String path = f.pathString;
        String id = f.fileId;
        List<LogRecord> records = new ArrayList<>(count);
        Object[] messages = batch.messages;
        long[] starts = batch.starts;
        long[] ends = batch.ends;
        int[] flags = batch.flags;
        for (int i = 0; i < count; i++) {
            Origin origin = new Origin(input, path, id, starts[i], ends[i]);
            records.add(messages[i] instanceof byte[] utf8
                    ? LogRecord.ofUtf8(timeNanos, utf8, origin, fin, flags[i])
                    : LogRecord.of(timeNanos, (String) messages[i], origin, fin, flags[i]));
        }
        metrics.linesRead.inc(count);
        if (batch.truncated > 0) metrics.linesTruncated.inc(batch.truncated);
        batch.clear(end);
        emitter.emit(records);
    }

    /**
     * The file got shorter than what was read (copytruncate), or its identity now holds other content: whatever
     * partial line was held is given out, the old stream ends, and reading starts again at 0 with a new tracker.
     */
    private void restart(TailedFile f, long fp, long now, boolean truncation) throws InterruptedException {
        flushPartial(f);
        emitter.endOfStream(f.fileId);
        if (truncation) metrics.truncations.inc();
        else metrics.rotations.inc();
        f.fingerprint = fp;
        f.startAt(0, maxLineBytes, skipEmptyLines);
        f.lastDataMillis = now;
        f.atEof = false;
        f.endOfStreamSent = false;
    }

    private void flushPartial(TailedFile f) throws InterruptedException {
        if (f.lines == null || !f.lines.hasPartial()) return;
        batch.clear(f.tracker().submitted());
        f.lines.flushPartial(f.readOffset, batch);
        emit(f);
    }

    // ------------------------------------------------------------------------------------------- timed duties

    /**
     * When the next pass has timed work, in clock milliseconds: the next rescan, or the earliest file whose idle
     * time will call for a partial line to go out, its stream to end, a rotated-away file to be released or an
     * idle file to be closed. A file with bytes left to read makes it now. Between now and then only a file event
     * gives a pass something to do, so the reader may sleep until it.
     */
    long nextDueMillis(long now) {
        long due = nextScanMillis;
        if (scanRequested || !modified.isEmpty()) return now;
        for (int i = 0; i < order.size(); i++) {
            TailedFile f = order.get(i);
            if (f.released || !f.initialized) continue;
            boolean atEnd = f.isOpen() ? f.atEof : f.knownSize == f.readOffset;
            long at;
            if (!atEnd) {
                at = now; // bytes left: a free slot or a reopening decides; look again soon
            } else if (f.detached || !f.endOfStreamSent || (f.lines != null && f.lines.hasPartial())) {
                at = f.lastDataMillis + idleFlushMillis;
                if (f.detached) at = Math.max(at, f.detachedMillis + idleFlushMillis);
            } else if (f.isOpen()) {
                at = f.lastDataMillis + closeIdleMillis;
            } else {
                continue;
            }
            due = Math.min(due, at);
        }
        return due;
    }

    private void tick(long now) throws InterruptedException {
        for (int i = 0; i < order.size(); i++) {
            TailedFile f = order.get(i);
            if (f.released || !f.initialized) continue;
            long idle = now - f.lastDataMillis;
            boolean atEnd = f.isOpen() ? f.atEof : f.knownSize == f.readOffset;
            if (!atEnd || idle < idleFlushMillis) continue;
            if (f.detached && now - f.detachedMillis < idleFlushMillis) continue; // a writer may still append
            flushPartial(f);
            if (f.detached) {
                release(f);
                continue;
            }
            if (!f.endOfStreamSent) {
                emitter.endOfStream(f.fileId);
                f.endOfStreamSent = true;
            }
            if (f.isOpen() && idle >= closeIdleMillis) close(f);
        }
    }

    /** A rotated-away or deleted file was read to its end: close it, end its stream, let its checkpoint go. */
    private void release(TailedFile f) throws InterruptedException {
        if (f.initialized) flushPartial(f);
        if (!f.endOfStreamSent) {
            emitter.endOfStream(f.fileId);
            f.endOfStreamSent = true;
        }
        if (f.isOpen()) {
            openCount--;
            metrics.filesOpen.set(openCount);
        }
        f.release();
    }

    /** The file we tracked is no longer at its path (found on reopening a closed file). */
    private void vanished(TailedFile f) throws InterruptedException {
        f.detached = true;
        if (f.initialized) release(f);
        else drop(f);
    }

    /** Stops tracking a file without touching its checkpoint; a later scan finds it again if it is still there. */
    private void drop(TailedFile f) {
        if (f.isOpen()) {
            openCount--;
            metrics.filesOpen.set(openCount);
        }
        f.closeQuietly();
        f.released = true;
    }

    private void close(TailedFile f) {
        f.closeQuietly();
        openCount--;
        metrics.filesOpen.set(openCount);
    }

    private void purge() {
        boolean any = false;
        for (TailedFile f : order) {
            if (f.released) {
                any = true;
                break;
            }
        }
        if (!any) return;
        order.removeIf(f -> {
            if (!f.released) return false;
            files.remove(f.fileId, f);
            if (byPath.get(f.path) == f) byPath.remove(f.path);
            return true;
        });
    }

    private long fingerprint(FileChannel ch, long size) throws IOException {
        if (size < FINGERPRINT_BYTES) return 0;
        fingerprintBuf.clear();
        while (fingerprintBuf.hasRemaining()) {
            if (ch.read(fingerprintBuf, fingerprintBuf.position()) < 0) return 0;
        }
        CRC32 crc = new CRC32();
        crc.update(fingerprintBuf.array(), 0, FINGERPRINT_BYTES);
        long v = crc.getValue();
        return v == 0 ? 1 : v; // 0 means "not taken yet"
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // read-only
        }
    }

    private static InterruptedException interrupted() {
        Thread.currentThread().interrupt();
        return new InterruptedException("stopping");
    }

    /** Closes every file; checkpoints stay as acknowledgements leave them. */
    /**
     * Bytes written and not yet acknowledged, over the tracked files: each file's size now (a stat, on the scraping
     * thread) minus its committed offset. True while the tailer is blocked on backpressure, when it neither reads
     * nor scans.
     */
    long bytesBehind() {
        long behind = 0;
        for (TailedFile f : tracked) {
            if (f.released) continue;
            long size = f.knownSize;
            if (!f.detached) {
                try {
                    size = Math.max(size, Files.size(f.path));
                } catch (IOException | RuntimeException e) {
                    // gone or unreadable now: what was known
                }
            }
            behind += Math.max(0, size - f.committed());
        }
        return behind;
    }

    @Override public void close() {
        try {
            bytesBehindGauge.close();
        } catch (Exception e) {
            // removing a map entry does not fail
        }
        for (TailedFile f : order) f.closeQuietly();
        openCount = 0;
        metrics.filesOpen.set(0);
    }

    /** For tests: the file tracked under {@code path}, or null. */
    TailedFile fileAt(Path path) { return byPath.get(path); }
}
