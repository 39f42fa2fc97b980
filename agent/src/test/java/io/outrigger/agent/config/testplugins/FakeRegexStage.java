package io.outrigger.agent.config.testplugins;

import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageFactory;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** A stage whose validate() compiles its pattern. */
public final class FakeRegexStage implements StageFactory<FakeRegexStage.Config> {

    public record Config(String pattern, String field) {}

    @Override public String type() { return "regex"; }

    @Override public Class<Config> configType() { return Config.class; }

    @Override public List<ConfigProblem> validate(Config c) {
        if (c.pattern() == null) return List.of(new ConfigProblem("pattern", "required"));
        try {
            Pattern.compile(c.pattern());
            return List.of();
        } catch (PatternSyntaxException e) {
            return List.of(new ConfigProblem("pattern", "invalid regular expression: " + e.getDescription()));
        }
    }

    @Override public Stage create(Config config, ComponentContext context) {
        return (record, out) -> out.accept(record);
    }
}
