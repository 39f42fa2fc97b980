package io.outrigger.parsers;

import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageFactory;
import java.util.ArrayList;
import java.util.List;

/** Parses Docker json-file lines and joins partial lines. */
public final class DockerStageFactory implements StageFactory<DockerConfig> {
    @Override public String type() { return "docker"; }
    @Override public Class<DockerConfig> configType() { return DockerConfig.class; }

    @Override public List<ConfigProblem> validate(DockerConfig c) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (c.maxBytes().bytes() < 1) problems.add(new ConfigProblem("max_bytes", "must be at least 1B"));
        if (c.flushTimeout().isNegative() || c.flushTimeout().isZero()) {
            problems.add(new ConfigProblem("flush_timeout", "must be positive, e.g. 5s"));
        }
        return problems;
    }

    @Override public Stage create(DockerConfig c, ComponentContext context) {
        return new DockerStage(c.maxBytes().bytes(), c.flushTimeout().toNanos(), context,
                new ParseErrors(context, type()));
    }
}
