package io.outrigger.inputs.file;

import io.outrigger.inputs.file.InputMetrics.Reason;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Paths that could not be read: each is logged once with its reason and counted, then skipped until it changes.
 * A path that reads fine again is forgotten, so a new problem with it is reported again. Reader thread only.
 */
final class PathErrors {

    private static final System.Logger LOG = System.getLogger(FileInput.class.getName());
    private static final int MAX_REMEMBERED = 10_000;

    private final String input;
    private final InputMetrics metrics;
    private final Map<Path, Reason> reported = new HashMap<>();

    PathErrors(String input, InputMetrics metrics) {
        this.input = input;
        this.metrics = metrics;
    }

    /** Logs and counts the problem unless this path was already reported for this reason. */
    void report(Path path, Reason reason, String detail) {
        if (reported.get(path) == reason) return;
        if (reported.size() >= MAX_REMEMBERED) reported.clear();
        reported.put(path, reason);
        metrics.error(reason);
        LOG.log(System.Logger.Level.WARNING, "input {0}: skipping {1} ({2}): {3}", input, path, reason.label, detail);
    }

    void report(Path path, Exception e) {
        report(path, classify(e), e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }

    void clear(Path path) {
        if (!reported.isEmpty()) reported.remove(path);
    }

    boolean isReported(Path path) { return reported.containsKey(path); }

    static Reason classify(Exception e) {
        if (e instanceof AccessDeniedException) return Reason.PERMISSION_DENIED;
        if (e instanceof FileSystemLoopException) return Reason.NOT_A_FILE;
        return Reason.IO_ERROR;
    }
}
