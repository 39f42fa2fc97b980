package io.outrigger.parsers.metrics;

import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageFactory;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Makes {@code metrics} stages. */
public final class MetricsStageFactory implements StageFactory<MetricsStageConfig> {

    @Override public String type() { return "metrics"; }

    @Override public Class<MetricsStageConfig> configType() { return MetricsStageConfig.class; }

    @Override public List<ConfigProblem> validate(MetricsStageConfig c) {
        List<ConfigProblem> p = new ArrayList<>();
        if (c.maxSeries() < 1) p.add(new ConfigProblem("max_series", "must be at least 1, got " + c.maxSeries()));
        if (!c.prefix().isEmpty() && !PrometheusNaming.isValidLegacyMetricName(c.prefix())) {
            p.add(new ConfigProblem("prefix", "invalid metric name prefix \"" + c.prefix() + "\" (expected [a-zA-Z_:][a-zA-Z0-9_:]*)"));
        }
        if (c.metrics().isEmpty()) p.add(new ConfigProblem("metrics", "define at least one metric"));
        for (Map.Entry<String, MetricsStageConfig.Metric> e : c.metrics().entrySet()) {
            String path = "metrics." + e.getKey();
            if (e.getValue() == null) {
                p.add(new ConfigProblem(path, "needs a definition with at least a type"));
                continue;
            }
            validateMetric(c.prefix(), e.getKey(), e.getValue(), path, p);
        }
        return p;
    }

    private static void validateMetric(String prefix, String name, MetricsStageConfig.Metric m, String path, List<ConfigProblem> p) {
        String full = prefix + name;
        if (!PrometheusNaming.isValidLegacyMetricName(full)) {
            p.add(new ConfigProblem(path, "invalid metric name \"" + full + "\" (expected [a-zA-Z_:][a-zA-Z0-9_:]*)"));
        }
        if (m.type() == null) {
            p.add(new ConfigProblem(path + ".type", "required: counter, gauge or histogram"));
            return;
        }
        switch (m.type()) {
            case "counter" -> {
                if (!name.endsWith("_total")) {
                    p.add(new ConfigProblem(path, "a counter's name ends in _total, e.g. " + name + "_total"));
                }
                if (!m.action().equals("inc") && !m.action().equals("add")) {
                    p.add(new ConfigProblem(path + ".action", "\"" + m.action() + "\" is not one of inc, add (for a counter)"));
                }
                if (m.action().equals("add") && m.source() == null) {
                    p.add(new ConfigProblem(path + ".source", "required for action add: the field holding the amount"));
                }
            }
            case "gauge" -> {
                if (!Set.of("inc", "add", "set").contains(m.action())) {
                    p.add(new ConfigProblem(path + ".action", "\"" + m.action() + "\" is not one of set, inc, add (for a gauge)"));
                }
                if (!m.action().equals("inc") && m.source() == null) {
                    p.add(new ConfigProblem(path + ".source", "required for action " + m.action() + ": the field holding the value"));
                }
            }
            case "histogram" -> {
                if (m.source() == null) p.add(new ConfigProblem(path + ".source", "required: the field holding the observed value"));
                if (m.action() != null) p.add(new ConfigProblem(path + ".action", "not used by a histogram: remove it"));
                for (int i = 0; i < m.buckets().size(); i++) {
                    Double b = m.buckets().get(i);
                    if (b == null || b.isNaN()) {
                        p.add(new ConfigProblem(path + ".buckets[" + i + "]", "must be a number"));
                    } else if (i > 0 && m.buckets().get(i - 1) != null && b <= m.buckets().get(i - 1)) {
                        p.add(new ConfigProblem(path + ".buckets[" + i + "]", "buckets must increase, " + b + " follows " + m.buckets().get(i - 1)));
                    }
                }
            }
            default -> p.add(new ConfigProblem(path + ".type", "\"" + m.type() + "\" is not one of counter, gauge, histogram"));
        }
        if (!m.type().equals("histogram") && !m.buckets().isEmpty()) {
            p.add(new ConfigProblem(path + ".buckets", "only a histogram has buckets"));
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < m.labels().size(); i++) {
            String l = m.labels().get(i);
            if (l == null || !PrometheusNaming.isValidLegacyLabelName(l) || l.startsWith("__")) {
                p.add(new ConfigProblem(path + ".labels[" + i + "]", "invalid label name \"" + l
                        + "\" (expected [a-zA-Z_][a-zA-Z0-9_]*, not starting with __)"));
            } else if (m.type().equals("histogram") && l.equals("le")) {
                p.add(new ConfigProblem(path + ".labels[" + i + "]", "\"le\" is reserved in a histogram"));
            } else if (!seen.add(l)) {
                p.add(new ConfigProblem(path + ".labels[" + i + "]", "duplicate label \"" + l + "\""));
            }
        }
        if (m.match() != null && (m.match().field() == null || m.match().equals() == null)) {
            p.add(new ConfigProblem(path + ".match", "needs both field and equals"));
        }
    }

    @Override public Stage create(MetricsStageConfig config, ComponentContext context) {
        return new MetricsStage(config, context);
    }
}
