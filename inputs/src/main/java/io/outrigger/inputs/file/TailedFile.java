package io.outrigger.inputs.file;

import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.checkpoint.FileCheckpoint;
import io.outrigger.core.checkpoint.OffsetTracker;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * One file being tailed, known by its identity ({@code <dev>:<ino>}, confirmed by a fingerprint of its first bytes),
 * not by its path: a rotated file keeps being read under its new name or after its deletion until drained.
 *
 * <p>Everything but the checkpoint callbacks is used by the input's reader thread only. Each incarnation of the
 * file (a new one starts after a truncation) has its own {@link OffsetTracker}; acknowledgements of an older one
 * no longer move the checkpoint.
 */
final class TailedFile {

    final String fileId;
    volatile Path path;
    volatile String pathString;
    /** CRC32 of the first {@link Fingerprint#BYTES} bytes, 0 while the file is shorter. */
    volatile long fingerprint;

    FileChannel channel;
    boolean initialized;
    final boolean foundAtStart;
    long initialSize;
    long readOffset;
    long knownSize;
    LineSplitter lines;

    long lastDataMillis;
    long openedMillis;
    int turnsSinceOpen;
    boolean atEof;
    boolean endOfStreamSent;
    /** No longer at a matched path (renamed away or deleted): read to the end, then released. */
    boolean detached;
    long detachedMillis;
    boolean released;

    private final String input;
    private final CheckpointStore store;
    private final Object checkpointLock = new Object();
    private Incarnation current;
    private long lastPut = -1;
    private long lastPutFingerprint;
    private long finalOffset = -1;
    private boolean checkpointRemoved;

    TailedFile(String input, CheckpointStore store, String fileId, Path path, long size, boolean foundAtStart, long now) {
        this.input = input;
        this.store = store;
        this.fileId = fileId;
        setPath(path);
        this.knownSize = size;
        this.initialSize = size;
        this.foundAtStart = foundAtStart;
        this.lastDataMillis = now;
    }

    void setPath(Path p) {
        path = p;
        pathString = p.toString();
    }

    boolean isOpen() { return channel != null; }

    OffsetTracker tracker() { return current.tracker; }

    /** Starts a new incarnation at {@code offset} and records it as the checkpoint at once. */
    void startAt(long offset, int maxLineBytes) {
        startAt(offset, maxLineBytes, false);
    }

    /** As {@link #startAt(long, int)}, leaving empty lines out when {@code skipEmptyLines}. */
    void startAt(long offset, int maxLineBytes, boolean skipEmptyLines) {
        readOffset = offset;
        lines = new LineSplitter(maxLineBytes, offset, skipEmptyLines);
        Incarnation inc = new Incarnation();
        inc.tracker = new OffsetTracker(offset, inc);
        synchronized (checkpointLock) {
            current = inc;
            lastPut = offset;
            lastPutFingerprint = fingerprint;
            store.put(new FileCheckpoint(input, pathString, fileId, lastPutFingerprint, offset));
        }
    }

    /**
     * The file is done with: nothing more will be read. Its checkpoint is removed once everything read was
     * acknowledged (at once if it already is).
     */
    void release() {
        released = true;
        closeQuietly();
        synchronized (checkpointLock) {
            finalOffset = current == null ? 0 : current.tracker.submitted();
        }
        onCommitted(current);
    }

    /** Forgets the file without touching its checkpoint (the input is stopping). */
    void closeQuietly() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing a read-only file cannot lose data
            }
            channel = null;
        }
    }

    private void onCommitted(Incarnation inc) {
        synchronized (checkpointLock) {
            if (inc != current || checkpointRemoved) return;
            long c = inc == null ? 0 : inc.tracker.committed();
            if (released) {
                // a released file is never read again: no more puts; its checkpoint goes once all is acknowledged,
                // unless a new file with the same identity (a reused inode) has written its own meanwhile
                if (c >= finalOffset) {
                    checkpointRemoved = true;
                    FileCheckpoint stored = store.get(input, fileId);
                    if (stored != null && stored.offset() == lastPut && stored.fingerprint() == lastPutFingerprint) {
                        store.remove(input, fileId);
                    }
                }
                return;
            }
            if (c > lastPut) {
                lastPut = c;
                lastPutFingerprint = fingerprint;
                store.put(new FileCheckpoint(input, pathString, fileId, lastPutFingerprint, c));
            }
        }
    }

    /** Committed offset of the current incarnation (0 before the file was first opened). */
    long committed() { return current == null ? 0 : current.tracker.committed(); }

    @Override public String toString() { return pathString + " (" + fileId + ")"; }

    /** One incarnation's tracker and its callback: moves the checkpoint only while it is the current one. */
    private final class Incarnation implements java.util.function.LongConsumer {
        OffsetTracker tracker;

        @Override public void accept(long offset) { onCommitted(this); }
    }
}
