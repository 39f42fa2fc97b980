package io.outrigger.core.config;

import java.util.Objects;

/**
 * One thing wrong with a config: where ({@code path}, a key path such as {@code hosts[0]} relative to the
 * component, made absolute by the loader, and the YAML {@code line} once the loader knows it, 0 before) and what
 * to fix. Renders as {@code inputs.app.read_from (line 9): "middle" is not one of head, tail}.
 */
public record ConfigProblem(String path, int line, String message) {

    public ConfigProblem {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    public ConfigProblem(String path, String message) { this(path, 0, message); }

    /** This problem seen from a parent: {@code "pattern"} under {@code "stages[2].regex"}. */
    public ConfigProblem under(String parent) {
        if (parent.isEmpty()) return this;
        if (path.isEmpty()) return new ConfigProblem(parent, line, message);
        return new ConfigProblem(path.startsWith("[") ? parent + path : parent + "." + path, line, message);
    }

    public ConfigProblem atLine(int newLine) { return new ConfigProblem(path, newLine, message); }

    @Override public String toString() {
        String where = line > 0 ? path + " (line " + line + ")" : path;
        return where.isEmpty() ? message : where + ": " + message;
    }
}
