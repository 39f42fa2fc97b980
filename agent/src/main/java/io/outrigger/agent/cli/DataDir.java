package io.outrigger.agent.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The start-up check of {@code agent.data_dir}: it can be created, and a file in it written, synced and removed. */
final class DataDir {

    private static final String PROBE = ".outrigger-write-check";

    private DataDir() {}

    /** Null when {@code dir} is usable; else the reason, in words (the caller names the key and the path). */
    static String problem(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            return "cannot be created: " + (e.getFile() == null || Path.of(e.getFile()).equals(dir) ? "it exists and is not a directory"
                    : e.getFile() + " exists and is not a directory");
        } catch (IOException e) {
            return "cannot be created: " + reason(e);
        }
        if (!Files.isDirectory(dir)) return "not a directory";
        Path probe = dir.resolve(PROBE);
        try (FileChannel ch = FileChannel.open(probe, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(new byte[4096]));
            ch.force(true);
        } catch (IOException e) {
            return "cannot write checkpoints there: " + reason(e);
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException ignored) {
                // a probe left behind is harmless
            }
        }
        return null;
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
