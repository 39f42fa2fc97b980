package io.outrigger.parsers;

import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageFactory;

/** Parses {@code key=value key2="quoted value"} lines; bare keys become {@code true}. */
public final class LogfmtStageFactory implements StageFactory<LogfmtConfig> {
    @Override public String type() { return "logfmt"; }
    @Override public Class<LogfmtConfig> configType() { return LogfmtConfig.class; }
    @Override public Stage create(LogfmtConfig config, ComponentContext context) {
        return new LogfmtStage(config, new ParseErrors(context, type()));
    }
}
