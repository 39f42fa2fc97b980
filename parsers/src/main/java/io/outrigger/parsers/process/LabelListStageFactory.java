package io.outrigger.parsers.process;

import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.event.Labels;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageFactory;
import io.outrigger.core.pipeline.StageOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code labeldrop} removes the listed labels from each record; {@code labelallow} keeps only the listed ones. The
 * two types share this factory's code ({@link Drop}, {@link Allow}).
 */
public abstract sealed class LabelListStageFactory implements StageFactory<LabelListConfig> {

    /** {@code - labeldrop: [a, b]}. */
    public static final class Drop extends LabelListStageFactory {
        @Override public String type() { return "labeldrop"; }
        @Override boolean keepListed() { return false; }
    }

    /** {@code - labelallow: [a, b]}. */
    public static final class Allow extends LabelListStageFactory {
        @Override public String type() { return "labelallow"; }
        @Override boolean keepListed() { return true; }
    }

    abstract boolean keepListed();

    @Override public Class<LabelListConfig> configType() { return LabelListConfig.class; }

    @Override public List<ConfigProblem> validate(LabelListConfig c) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (c.names().isEmpty()) problems.add(new ConfigProblem("", "list at least one label name, e.g. [filename]"));
        for (int i = 0; i < c.names().size(); i++) {
            String n = c.names().get(i);
            if (n == null || n.isEmpty()) problems.add(new ConfigProblem("[" + i + "]", "must not be empty"));
        }
        return problems;
    }

    @Override public Stage create(LabelListConfig c, ComponentContext context) {
        Set<String> names = Set.copyOf(c.names());
        boolean keep = keepListed();
        return (record, out) -> {
            Labels labels = record.labels();
            Labels kept = labels;
            for (int i = labels.size() - 1; i >= 0; i--) {
                if (names.contains(labels.name(i)) != keep) kept = kept.without(labels.name(i));
            }
            out.accept(kept == labels ? record : record.toBuilder().labels(kept).build());
        };
    }
}
