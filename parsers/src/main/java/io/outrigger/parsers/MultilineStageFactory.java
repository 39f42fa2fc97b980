package io.outrigger.parsers;

import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Joins multi-line messages (stack traces) per stream. */
public final class MultilineStageFactory implements StageFactory<MultilineConfig> {
    @Override public String type() { return "multiline"; }
    @Override public Class<MultilineConfig> configType() { return MultilineConfig.class; }

    @Override public List<ConfigProblem> validate(MultilineConfig c) {
        List<ConfigProblem> problems = new ArrayList<>();
        int set = (c.startPattern() != null ? 1 : 0) + (c.continuePattern() != null ? 1 : 0) + (c.preset() != null ? 1 : 0);
        if (set != 1) {
            problems.add(new ConfigProblem("", "set exactly one of start_pattern, continue_pattern or preset ("
                    + String.join(", ", LineRule.PRESETS) + ")"));
        }
        if (c.startPattern() != null) {
            ConfigProblem p = RegexStageFactory.patternProblem("start_pattern", c.startPattern());
            if (p != null) problems.add(p);
        }
        if (c.continuePattern() != null) {
            ConfigProblem p = RegexStageFactory.patternProblem("continue_pattern", c.continuePattern());
            if (p != null) problems.add(p);
        }
        if (c.preset() != null && !LineRule.PRESETS.contains(c.preset())) {
            problems.add(new ConfigProblem("preset", "unknown preset \"" + c.preset() + "\" (known: "
                    + String.join(", ", LineRule.PRESETS) + ")"));
        }
        if (c.maxLines() < 1) problems.add(new ConfigProblem("max_lines", "must be at least 1"));
        if (c.maxBytes().bytes() < 1) problems.add(new ConfigProblem("max_bytes", "must be at least 1B"));
        if (c.flushTimeout().isNegative() || c.flushTimeout().isZero()) {
            problems.add(new ConfigProblem("flush_timeout", "must be positive, e.g. 1s"));
        }
        return problems;
    }

    @Override public Stage create(MultilineConfig c, ComponentContext context) {
        LineRule rule = c.preset() != null ? LineRule.preset(c.preset())
                : c.startPattern() != null ? LineRule.startPattern(Pattern.compile(c.startPattern()))
                : LineRule.continuePattern(Pattern.compile(c.continuePattern()));
        return new MultilineStage(rule, c.maxLines(), c.maxBytes().bytes(), c.flushTimeout().toNanos());
    }
}
