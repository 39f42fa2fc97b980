package io.outrigger.core.checkpoint;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
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

    /** Streaming JSON only: the file is small and fixed, and an ObjectMapper costs start-up time. */
    private static final JsonFactory JSON = new JsonFactory();

    private final Path file;
    private final Map<String, FileCheckpoint> entries = new ConcurrentHashMap<>();
    private final AtomicLong version = new AtomicLong();
    private volatile long flushedVersion; // what was loaded is what is stored: nothing to write until a change
    private volatile long lastFlushMillis;
    private volatile Runnable onChange = () -> {};
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

    private void load() throws IOException {
        if (!Files.exists(file)) return;
        try {
            for (FileCheckpoint c : read(Files.readAllBytes(file))) entries.put(c.key(), c);
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
        onChange.run();
    }

    public void remove(String input, String fileId) {
        if (entries.remove(input + "|" + fileId) != null) {
            version.incrementAndGet();
            onChange.run();
        }
    }

    /**
     * Called after every change ({@link #put}, {@link #remove}), on the changing thread: the agent schedules a
     * {@link #flush} then, instead of waking up to write nothing. It must be cheap.
     */
    public void onChange(Runnable listener) { this.onChange = listener; }

    /** True while a change is not written yet. */
    public boolean changed() { return file != null && version.get() != flushedVersion; }

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
        byte[] bytes = write(snapshot);
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

    /*
     * The file, as the Jackson ObjectMapper of earlier versions wrote it (so both read each other's files):
     * {"version" : 1, "files" : [ {"input", "path", "file_id", "fingerprint", "offset"}, ... ]}, pretty-printed;
     * unknown keys are skipped when reading.
     */

    static byte[] write(List<FileCheckpoint> checkpoints) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 + 160 * checkpoints.size());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeNumberField("version", 1);
            g.writeArrayFieldStart("files");
            for (FileCheckpoint c : checkpoints) {
                g.writeStartObject();
                g.writeStringField("input", c.input());
                g.writeStringField("path", c.path());
                g.writeStringField("file_id", c.fileId());
                g.writeNumberField("fingerprint", c.fingerprint());
                g.writeNumberField("offset", c.offset());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    static List<FileCheckpoint> read(byte[] json) throws IOException {
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException("not a JSON object");
            List<FileCheckpoint> files = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (name.equals("files")) {
                    if (t != JsonToken.START_ARRAY) throw new IOException("\"files\" is not a list");
                    files = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) files.add(entry(p));
                } else if (name.equals("version")) {
                    if (t != JsonToken.VALUE_NUMBER_INT) throw new IOException("\"version\" is not a number");
                } else {
                    p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT) throw new IOException("truncated");
            if (files == null) throw new IOException("no \"files\" list");
            return files;
        }
    }

    private static FileCheckpoint entry(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) throw new IOException("a \"files\" entry is not an object");
        String input = null;
        String path = null;
        String fileId = null;
        long fingerprint = 0;
        long offset = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "input" -> input = text(p, t, name);
                case "path" -> path = text(p, t, name);
                case "file_id" -> fileId = text(p, t, name);
                case "fingerprint" -> fingerprint = number(p, t, name);
                case "offset" -> offset = number(p, t, name);
                default -> p.skipChildren();
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT) throw new IOException("truncated");
        return new FileCheckpoint(input, path, fileId, fingerprint, offset);
    }

    private static String text(JsonParser p, JsonToken t, String name) throws IOException {
        if (t == JsonToken.VALUE_NULL) return null;
        if (t == JsonToken.VALUE_STRING) return p.getText();
        throw new IOException("\"" + name + "\" is not a string");
    }

    private static long number(JsonParser p, JsonToken t, String name) throws IOException {
        if (t == JsonToken.VALUE_NULL) return 0;
        if (t == JsonToken.VALUE_NUMBER_INT) return p.getLongValue();
        throw new IOException("\"" + name + "\" is not a whole number");
    }
}
