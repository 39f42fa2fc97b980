package io.outrigger.core.checkpoint;

import java.util.Objects;

/**
 * The committed position of one file for one input.
 *
 * @param input       the input's name
 * @param path        where the file was last seen (informational; identity is {@code fileId})
 * @param fileId      the file's identity, {@code <device>:<inode>}
 * @param fingerprint hash of the file's first bytes (0 while the file was too short to take one), so a reused
 *                    inode is not taken for the old file
 * @param offset      bytes acknowledged from the start of the file
 */
public record FileCheckpoint(String input, String path, String fileId, long fingerprint, long offset) {

    public FileCheckpoint {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(fileId, "fileId");
        if (offset < 0) throw new IllegalArgumentException("offset must not be negative: " + offset);
    }

    public String key() { return input + "|" + fileId; }
}
