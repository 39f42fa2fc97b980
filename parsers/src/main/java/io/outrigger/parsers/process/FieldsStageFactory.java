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
import java.util.Map;

/** Adds, renames, copies and removes fields. */
public final class FieldsStageFactory implements StageFactory<FieldsConfig> {

    @Override public String type() { return "fields"; }
    @Override public Class<FieldsConfig> configType() { return FieldsConfig.class; }

    @Override public List<ConfigProblem> validate(FieldsConfig c) {
        List<ConfigProblem> problems = new ArrayList<>();
        c.add().forEach((name, v) -> {
            if (v == null) problems.add(new ConfigProblem("add." + name, "needs a value"));
            else if (v instanceof String s) {
                String p = Template.problem(s);
                if (p != null) problems.add(new ConfigProblem("add." + name, p));
            } else if (!(v instanceof Number || v instanceof Boolean)) {
                problems.add(new ConfigProblem("add." + name, "must be a text, number or boolean"));
            }
        });
        c.rename().forEach((from, to) -> {
            if (to == null || to.isEmpty()) problems.add(new ConfigProblem("rename." + from, "needs a new name"));
        });
        c.copy().forEach((from, to) -> {
            if (to == null || to.isEmpty()) problems.add(new ConfigProblem("copy." + from, "needs a target name"));
        });
        return problems;
    }

    @Override public Stage create(FieldsConfig c, ComponentContext context) {
        List<String> addNames = new ArrayList<>();
        List<Object> addValues = new ArrayList<>();
        c.add().forEach((name, v) -> {
            addNames.add(name);
            addValues.add(switch (v) {
                case String s -> {
                    Template t = Template.compile(s);
                    yield t.isConstant() ? Value.of(s) : t;
                }
                case Boolean b -> Value.of(b);
                case Double d -> Value.of(d);
                case Float f -> Value.of(f.doubleValue());
                case java.math.BigDecimal d -> Value.of(d.doubleValue());
                case Number n -> Value.of(n.longValue());
                default -> Value.of(String.valueOf(v));
            });
        });
        return new FieldsStage(c.rename(), c.copy(), addNames.toArray(String[]::new), addValues.toArray(), c.remove());
    }

    private record FieldsStage(Map<String, String> rename, Map<String, String> copy, String[] addNames,
                               Object[] addValues, List<String> remove) implements Stage {
        @Override public void process(LogRecord record, StageOutput out) {
            Fields.Builder f = record.fields().toBuilder();
            for (Map.Entry<String, String> e : rename.entrySet()) {
                Value v = f.get(e.getKey());
                if (v != null) {
                    f.remove(e.getKey());
                    f.put(e.getValue(), v);
                }
            }
            for (Map.Entry<String, String> e : copy.entrySet()) {
                Value v = e.getKey().equals("message") ? Value.of(record.message())
                        : f.get(e.getKey()) != null ? f.get(e.getKey()) : record.fields().getPath(e.getKey());
                if (v != null) f.put(e.getValue(), v);
            }
            for (int i = 0; i < addNames.length; i++) {
                Object a = addValues[i];
                if (a instanceof Value v) f.put(addNames[i], v);
                else {
                    String text = ((Template) a).render(record);
                    if (text != null) f.put(addNames[i], Value.of(text));
                }
            }
            for (String name : remove) f.remove(name);
            out.accept(record.toBuilder().fields(f.build()).build());
        }
    }
}
