package io.outrigger.inputs.file;

import io.outrigger.core.config.ByteSize;
import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.config.Durations;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Input;
import io.outrigger.core.pipeline.InputFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Makes {@code type: file} inputs: tails files matched by globs, with checkpoints, rotation and truncation. */
public final class FileInputFactory implements InputFactory<FileInputConfig> {

    static final long MIN_LINE_BYTES = 16;
    static final long MAX_LINE_BYTES = 64L << 20;
    static final long MIN_READ_BUFFER = 4L << 10;
    static final long MAX_READ_BUFFER = 64L << 20;
    static final Duration MIN_INTERVAL = Duration.ofMillis(10);

    @Override public String type() { return "file"; }

    @Override public Class<FileInputConfig> configType() { return FileInputConfig.class; }

    @Override public List<ConfigProblem> validate(FileInputConfig c) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (c.paths().isEmpty()) {
            problems.add(new ConfigProblem("paths", "at least one glob is required, e.g. /var/log/app/*.log"));
        }
        checkGlobs("paths", c.paths(), problems);
        checkGlobs("exclude", c.exclude(), problems);
        if (!FileInputConfig.HEAD.equals(c.readFrom()) && !FileInputConfig.TAIL.equals(c.readFrom())) {
            problems.add(new ConfigProblem("read_from", "\"" + c.readFrom() + "\" is not one of head, tail"));
        }
        checkSize("max_line_bytes", c.maxLineBytes(), MIN_LINE_BYTES, MAX_LINE_BYTES, problems);
        checkSize("read_buffer", c.readBuffer(), MIN_READ_BUFFER, MAX_READ_BUFFER, problems);
        checkDuration("rescan_interval", c.rescanInterval(), problems);
        checkDuration("idle_flush", c.idleFlush(), problems);
        checkDuration("close_idle_after", c.closeIdleAfter(), problems);
        if (c.maxOpenFiles() < 1) {
            problems.add(new ConfigProblem("max_open_files", "must be at least 1 (got " + c.maxOpenFiles() + ")"));
        }
        return problems;
    }

    private static void checkGlobs(String key, List<String> globs, List<ConfigProblem> problems) {
        for (int i = 0; i < globs.size(); i++) {
            String g = globs.get(i);
            String where = key + "[" + i + "]";
            if (g == null || g.isBlank()) {
                problems.add(new ConfigProblem(where, "must not be empty (expected a glob such as /var/log/*.log)"));
                continue;
            }
            try {
                Glob.compile(g);
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigProblem(where, e.getMessage()));
            }
        }
    }

    private static void checkSize(String key, ByteSize v, long min, long max, List<ConfigProblem> problems) {
        if (v.bytes() < min || v.bytes() > max) {
            problems.add(new ConfigProblem(key, "must be between " + ByteSize.ofBytes(min) + " and "
                    + ByteSize.ofBytes(max) + " (got " + v + ")"));
        }
    }

    private static void checkDuration(String key, Duration d, List<ConfigProblem> problems) {
        if (d.compareTo(MIN_INTERVAL) < 0) {
            problems.add(new ConfigProblem(key, "must be at least " + Durations.format(MIN_INTERVAL)
                    + " (got " + Durations.format(d) + ")"));
        }
    }

    @Override public Input create(FileInputConfig config, ComponentContext context) {
        List<ConfigProblem> problems = validate(config);
        if (!problems.isEmpty()) throw new IllegalArgumentException("invalid file input config: " + problems);
        return new FileInput(config, context);
    }
}
