package io.outrigger.inputs.file;

import io.outrigger.core.config.ByteSize;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Config of a {@code type: file} input: which files to tail and how.
 *
 * <pre>
 * inputs:
 *   app:
 *     type: file
 *     paths: [/var/log/app/**&#47;*.log]
 *     exclude: ["*.gz"]
 *     read_from: tail          # for files found at start with no checkpoint; later files are read from head
 *     max_line_bytes: 256KiB
 *     skip_empty_lines: false  # empty lines are lines (multiline joins them); true leaves them out
 * </pre>
 *
 * @param paths          globs of files to read ({@code *}, {@code ?}, {@code [a-z]}, {@code {a,b}}, {@code **} for any
 *                       number of directories); required
 * @param exclude        globs of files to skip; a relative one (such as {@code *.gz}) matches the end of the path
 * @param readFrom       {@code head} or {@code tail}: where to start a file that is present at the first scan and has
 *                       no checkpoint. Files that appear later are always read from their head.
 * @param maxLineBytes   longer lines are cut to this many bytes and flagged {@code truncated}; the rest is skipped
 * @param rescanInterval how often the globs are expanded again (10s). Directory events tell of new, rotated and
 *                       grown files at once where the volume sends them; the rescan finds what they missed. Where a
 *                       directory cannot be watched, open files are also polled every 250 ms.
 * @param idleFlush      how long a last line without a newline waits for more bytes before it is emitted as is; also
 *                       how long a file must stay idle at its end before its stream is reported ended
 * @param maxOpenFiles   at most this many files are held open; others wait their turn
 * @param closeIdleAfter a file with no new data for this long is closed (and reopened when it grows)
 * @param readBuffer     bytes read per file per turn
 * @param skipEmptyLines leave empty lines out (default false: they are records, or part of a multiline record, as
 *                       Fluent Bit's {@code Skip_Empty_Lines off})
 */
public record FileInputConfig(List<String> paths, List<String> exclude, String readFrom, ByteSize maxLineBytes,
                              Duration rescanInterval, Duration idleFlush, Integer maxOpenFiles,
                              Duration closeIdleAfter, ByteSize readBuffer, Boolean skipEmptyLines) {

    public static final String HEAD = "head";
    public static final String TAIL = "tail";

    public FileInputConfig {
        paths = copy(paths);
        exclude = copy(exclude);
        if (readFrom == null) readFrom = HEAD;
        if (maxLineBytes == null) maxLineBytes = ByteSize.ofKiB(256);
        if (rescanInterval == null) rescanInterval = Duration.ofSeconds(10);
        if (idleFlush == null) idleFlush = Duration.ofSeconds(1);
        if (maxOpenFiles == null) maxOpenFiles = 256;
        if (closeIdleAfter == null) closeIdleAfter = Duration.ofSeconds(30);
        if (readBuffer == null) readBuffer = ByteSize.ofKiB(256);
        if (skipEmptyLines == null) skipEmptyLines = false;
    }

    /** A config with the given globs and every other setting at its default. */
    public static FileInputConfig of(String... paths) {
        return new FileInputConfig(List.of(paths), null, null, null, null, null, null, null, null, null);
    }

    // null elements are kept so validate() can name them instead of failing the binding
    private static List<String> copy(List<String> in) {
        return in == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(in));
    }
}
