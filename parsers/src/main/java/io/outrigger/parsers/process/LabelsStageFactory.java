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
import java.util.regex.Pattern;

/** Sets labels from templates over fields, or constants. */
public final class LabelsStageFactory implements StageFactory<LabelsConfig> {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    @Override public String type() { return "labels"; }
    @Override public Class<LabelsConfig> configType() { return LabelsConfig.class; }

    @Override public List<ConfigProblem> validate(LabelsConfig c) {
        List<ConfigProblem> problems = new ArrayList<>();
        c.labels().forEach((name, template) -> {
            if (!NAME.matcher(name).matches()) {
                problems.add(new ConfigProblem(name, "invalid label name (use letters, digits and _, not starting with a digit)"));
            }
            if (template == null) problems.add(new ConfigProblem(name, "needs a value or a template such as \"{{level}}\""));
            else {
                String p = Template.problem(template);
                if (p != null) problems.add(new ConfigProblem(name, p));
            }
        });
        return problems;
    }

    @Override public boolean setsLabels(LabelsConfig c) { return !c.labels().isEmpty(); }

    @Override public Stage create(LabelsConfig c, ComponentContext context) {
        List<String> names = new ArrayList<>();
        List<Template> templates = new ArrayList<>();
        c.labels().forEach((name, t) -> {
            names.add(name);
            templates.add(Template.compile(t));
        });
        return new LabelsStage(names.toArray(String[]::new), templates.toArray(Template[]::new));
    }

    private record LabelsStage(String[] names, Template[] templates) implements Stage {
        @Override public void process(LogRecord record, StageOutput out) {
            Labels labels = record.labels();
            for (int i = 0; i < names.length; i++) {
                String v = templates[i].render(record);
                if (v != null) labels = labels.with(names[i], v);
            }
            out.accept(labels == record.labels() ? record : record.toBuilder().labels(labels).build());
        }
    }
}
