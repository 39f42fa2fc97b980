package io.outrigger.parsers.process;

import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.event.Fields;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Value;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageFactory;
import io.outrigger.core.pipeline.StageOutput;
import java.util.ArrayList;
import java.util.List;

/** Rewrites the message (and optionally fields) from templates. */
public final class TemplateStageFactory implements StageFactory<TemplateConfig> {

    @Override public String type() { return "template"; }
    @Override public Class<TemplateConfig> configType() { return TemplateConfig.class; }

    @Override public List<ConfigProblem> validate(TemplateConfig c) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (c.message() == null && c.fields().isEmpty()) {
            problems.add(new ConfigProblem("", "set message (e.g. \"{{level}} {{msg}}\") or fields"));
        }
        if (c.message() != null) {
            String p = Template.problem(c.message());
            if (p != null) problems.add(new ConfigProblem("message", p));
        }
        c.fields().forEach((name, t) -> {
            String p = t == null ? "needs a template" : Template.problem(t);
            if (p != null) problems.add(new ConfigProblem("fields." + name, p));
        });
        return problems;
    }

    @Override public Stage create(TemplateConfig c, ComponentContext context) {
        List<String> names = new ArrayList<>(c.fields().keySet());
        Template[] templates = names.stream().map(n -> Template.compile(c.fields().get(n))).toArray(Template[]::new);
        return new TemplateStage(c.message() == null ? null : Template.compile(c.message()),
                names.toArray(String[]::new), templates);
    }

    private record TemplateStage(Template message, String[] names, Template[] templates) implements Stage {
        @Override public void process(LogRecord record, StageOutput out) {
            LogRecord.Builder b = record.toBuilder();
            if (names.length > 0) {
                Fields.Builder f = record.fields().toBuilder();
                for (int i = 0; i < names.length; i++) {
                    String v = templates[i].render(record);
                    if (v != null) f.put(names[i], Value.of(v));
                }
                b.fields(f.build());
            }
            if (message != null) b.message(message.renderOrEmpty(record));
            out.accept(b.build());
        }
    }
}
