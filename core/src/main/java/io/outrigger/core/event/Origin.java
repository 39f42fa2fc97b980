package io.outrigger.core.event;

/**
 * Where a record came from.
 *
 * @param input     the configured input's name
 * @param path      the file path (or another source name, such as a scrape URL)
 * @param streamId  identity of the stream the record belongs to (a file's device:inode), the key for per-stream
 *                  state such as multiline joining, and for deterministic output ids
 * @param offset    byte offset of the record's first byte in the stream
 * @param endOffset byte offset just past the record, its line terminator included
 */
public record Origin(String input, String path, String streamId, long offset, long endOffset) {

    public static final Origin NONE = new Origin("", "", "", -1, -1);

    public static Origin of(String input, String path) { return new Origin(input, path, path, -1, -1); }

    public boolean hasOffset() { return offset >= 0; }
}
