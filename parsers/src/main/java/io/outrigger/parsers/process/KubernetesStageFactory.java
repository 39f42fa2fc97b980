package io.outrigger.parsers.process;

import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.event.Fields;
import io.outrigger.core.event.Labels;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Value;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageFactory;
import io.outrigger.core.pipeline.StageOutput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Kubernetes metadata from log paths or the sidecar's own pod. */
public final class KubernetesStageFactory implements StageFactory<KubernetesConfig> {

    @Override public String type() { return "kubernetes"; }
    @Override public Class<KubernetesConfig> configType() { return KubernetesConfig.class; }

    @Override public List<ConfigProblem> validate(KubernetesConfig c) {
        List<ConfigProblem> problems = new ArrayList<>();
        for (int i = 0; i < c.labels().size(); i++) {
            if (!KubernetesConfig.NAMES.contains(c.labels().get(i))) {
                problems.add(new ConfigProblem("labels[" + i + "]", "unknown name \"" + c.labels().get(i) + "\" (known: "
                        + String.join(", ", KubernetesConfig.NAMES) + ")"));
            }
        }
        return problems;
    }

    @Override public boolean setsLabels(KubernetesConfig c) { return !c.labels().isEmpty(); }

    @Override public Stage create(KubernetesConfig c, ComponentContext context) {
        Map<String, String> configured = new LinkedHashMap<>();
        put(configured, "namespace", c.namespace());
        put(configured, "pod", c.pod());
        put(configured, "container", c.container());
        put(configured, "node", c.node());
        return new KubernetesStage(configured, c.labels());
    }

    private static void put(Map<String, String> m, String k, String v) {
        if (v != null && !v.isBlank()) m.put(k, v);
    }

    /** Parses the kubelet's log path; empty if it is neither layout. */
    static Map<String, String> fromPath(String path) {
        Map<String, String> m = new LinkedHashMap<>();
        int pods = path.indexOf("/pods/");
        if (pods >= 0) {
            String[] seg = path.substring(pods + 6).split("/");
            if (seg.length >= 2) {
                String[] parts = seg[0].split("_");
                if (parts.length == 3) {
                    m.put("namespace", parts[0]);
                    m.put("pod", parts[1]);
                    m.put("pod_uid", parts[2]);
                    m.put("container", seg[1]);
                }
            }
            return m;
        }
        int containers = path.indexOf("/containers/");
        if (containers >= 0 && path.endsWith(".log")) {
            String file = path.substring(containers + 12, path.length() - 4);
            String[] parts = file.split("_");
            if (parts.length == 3 && parts[2].lastIndexOf('-') > 0) {
                m.put("namespace", parts[1]);
                m.put("pod", parts[0]);
                m.put("container", parts[2].substring(0, parts[2].lastIndexOf('-')));
            }
        }
        return m;
    }

    private static final class KubernetesStage implements Stage {
        private final Map<String, String> configured;
        private final List<String> labelNames;
        private String lastPath;
        private Fields lastFields = Fields.EMPTY;
        private Map<String, String> lastLabels = Map.of();

        KubernetesStage(Map<String, String> configured, List<String> labelNames) {
            this.configured = configured;
            this.labelNames = labelNames;
        }

        @Override public void process(LogRecord record, StageOutput out) {
            String path = record.origin().path();
            if (!Objects.equals(path, lastPath)) {
                Map<String, String> m = new LinkedHashMap<>(configured);
                m.putAll(fromPath(path));
                Fields.Builder f = Fields.builder();
                Map<String, String> l = new LinkedHashMap<>();
                m.forEach((k, v) -> {
                    f.put(k, Value.of(v));
                    if (labelNames.contains(k)) l.put(k, v);
                });
                lastPath = path;
                lastFields = f.build();
                lastLabels = l;
            }
            if (lastFields.isEmpty()) {
                out.accept(record);
                return;
            }
            Fields.Builder f = record.fields().toBuilder().putAll(lastFields);
            Labels labels = record.labels();
            for (Map.Entry<String, String> e : lastLabels.entrySet()) labels = labels.with(e.getKey(), e.getValue());
            out.accept(record.toBuilder().fields(f.build()).labels(labels).build());
        }
    }
}
