package io.outrigger.core.checkpoint;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's checkpoints: one {@link FileCheckpoint} per (input, file). Updated in memory as acknowledgements
 * arrive; {@link #flush()} writes them to {@code checkpoints.json} atomically (temp file, fsync, rename, fsync of
 * the directory), so a crash leaves either the old or the new file, never half of one.
 *
 * <p>A file that cannot be read back (corrupt, truncated by a full disk) is moved aside to
 * {@code checkpoints.json.corrupt} and the agent starts with no checkpoints: files are read again from their head
 * (a duplicate is better than a loss), and {@link #recoveredFromCorruption()} says so for the log and metrics.
 */
public final class CheckpointStore {

    static final String FILE_NAME = "checkpoints.json";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final Path file;
    private final Map<String, FileCheckpoint> entries = new ConcurrentHashMap<>();
    private final AtomicLong version = new AtomicLong();
    private long flushedVersion = -1;
    private volatile long lastFlushMillis;
    private String corruption;

    private CheckpointStore(Path file) { this.file = file; }

    /** A store that is never written (dry runs, tests). */
    public static CheckpointStore inMemory() { return new CheckpointStore(null); }

    /** Opens the store under {@code dataDir}, creating the directory; reads existing checkpoints. */
    public static CheckpointStore open(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        CheckpointStore store = new CheckpointStore(dataDir.resolve(FILE_NAME));
        store.load();
        return store;
    }

    private record Document(int version, List<FileCheckpoint> files) {}

    private void load() throws IOException {
        if (!Files.exists(file)) return;
        try {
            Document doc = JSON.readValue(file.toFile(), Document.class);
            if (doc == null || doc.files() == null) throw new IOException("no \"files\" list");
            for (FileCheckpoint c : doc.files()) entries.put(c.key(), c);
        } catch (IOException | RuntimeException e) {
            entries.clear();
            Path aside = file.resolveSibling(FILE_NAME + ".corrupt");
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            corruption = "checkpoint file " + file + " could not be read (" + e.getClass().getSimpleName()
                    + "); moved to " + aside + "; files start again from their head";
        }
    }

    /** Non-null when the stored file was unreadable at open: what happened and what was done. */
    public String recoveredFromCorruption() { return corruption; }

    public FileCheckpoint get(String input, String fileId) { return entries.get(input + "|" + fileId); }

    public Collection<FileCheckpoint> all() { return List.copyOf(entries.values()); }

    public List<FileCheckpoint> forInput(String input) {
        List<FileCheckpoint> out = new ArrayList<>();
        for (FileCheckpoint c : entries.values()) if (c.input().equals(input)) out.add(c);
        return out;
    }

    public void put(FileCheckpoint c) {
        entries.put(c.key(), c);
        version.incrementAndGet();
    }

    public void remove(String input, String fileId) {
        if (entries.remove(input + "|" + fileId) != null) version.incrementAndGet();
    }

    /** Milliseconds since the epoch of the last successful write, 0 if none yet. */
    public long lastFlushMillis() { return lastFlushMillis; }

    /** Writes the checkpoints if anything changed since the last write. */
    public synchronized void flush() throws IOException {
        if (file == null) return;
        long v = version.get();
        if (v == flushedVersion) {
            lastFlushMillis = System.currentTimeMillis();
            return;
        }
        List<FileCheckpoint> snapshot = new ArrayList<>(entries.values());
        snapshot.sort((a, b) -> a.key().compareTo(b.key()));
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(new Document(1, snapshot));
        Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) ch.write(buf);
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // some filesystems cannot fsync a directory; the rename is still atomic
        }
        flushedVersion = v;
        lastFlushMillis = System.currentTimeMillis();
    }
}
