package io.outrigger.inputs.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * A file's identity as the file input keeps it in checkpoints: {@code <device>:<inode>}, and a CRC32 of its first
 * {@value FileTailer#FINGERPRINT_BYTES} bytes (0 while it is shorter), with its size now. For tools that write
 * checkpoints for files the input has not read yet (importing another agent's positions).
 */
public record FileIdentity(String fileId, long fingerprint, long size) {

    /** The identity of the file at {@code path} now (links followed). */
    public static FileIdentity of(Path path) throws IOException {
        Map<String, Object> a = Files.readAttributes(path, "unix:dev,ino,size");
        long size = (Long) a.get("size");
        long fp = 0;
        if (size >= FileTailer.FINGERPRINT_BYTES) {
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                ByteBuffer buf = ByteBuffer.allocate(FileTailer.FINGERPRINT_BYTES);
                while (buf.hasRemaining()) {
                    if (ch.read(buf, buf.position()) < 0) break;
                }
                if (!buf.hasRemaining()) {
                    CRC32 crc = new CRC32();
                    crc.update(buf.array(), 0, FileTailer.FINGERPRINT_BYTES);
                    fp = crc.getValue() == 0 ? 1 : crc.getValue(); // as FileTailer takes it: 0 means "not taken yet"
                }
            }
        }
        return new FileIdentity(FileScanner.fileId(a), fp, size);
    }

    /** Whether a file input with these {@code paths} and {@code exclude} globs reads {@code file}. */
    public static boolean matches(List<String> paths, List<String> exclude, Path file) {
        String s = file.toAbsolutePath().normalize().toString();
        boolean in = false;
        for (String g : paths) if (Glob.compile(g).matches(s)) in = true;
        if (!in) return false;
        for (String g : exclude) if (Glob.compileExclude(g).matches(s)) return false;
        return true;
    }
}
