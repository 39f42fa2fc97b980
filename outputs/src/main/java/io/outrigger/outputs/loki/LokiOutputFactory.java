package io.outrigger.outputs.loki;

import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.OutputFactory;
import io.outrigger.outputs.common.HttpChecks;
import io.outrigger.outputs.common.PemTls;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code type: loki}: pushes to Grafana Loki's HTTP push API (protobuf + Snappy, or JSON). */
public final class LokiOutputFactory implements OutputFactory<LokiOutputConfig> {

    @Override public String type() { return "loki"; }

    @Override public Class<LokiOutputConfig> configType() { return LokiOutputConfig.class; }

    @Override public String labelsNeeded(LokiOutputConfig c) {
        return c.labels().isEmpty() ? "Loki needs at least one label per stream: set static labels (e.g. labels: {job: app}),"
                + " which every record gets, or add a labels or kubernetes stage to the pipeline" : null;
    }

    @Override public List<ConfigProblem> validate(LokiOutputConfig c) {
        List<ConfigProblem> p = new ArrayList<>(c.validateShared());
        URI url = HttpChecks.url(p, c.url(), "http://loki:3100");
        if (url != null) checkLokiUrl(p, url);
        oneOf(p, "encoding", c.encoding(), LokiOutputConfig.ENCODINGS);
        oneOf(p, "line_format", c.lineFormat(), LokiOutputConfig.LINE_FORMATS);
        oneOf(p, "out_of_order", c.outOfOrder(), LokiOutputConfig.OUT_OF_ORDER_MODES);
        if (c.lineFormat().equals("template")) {
            if (c.template() == null || c.template().isEmpty()) {
                p.add(new ConfigProblem("template", "is required with line_format: template, e.g. \"{{level}} {{message}}\""));
            } else {
                for (String m : LineRenderer.checkTemplate(c.template())) p.add(new ConfigProblem("template", m));
            }
        } else if (c.template() != null) {
            p.add(new ConfigProblem("template", "is only used with line_format: template (line_format is " + c.lineFormat() + ")"));
        }
        for (Map.Entry<String, String> l : c.labels().entrySet()) {
            if (!isValidLabelName(l.getKey())) {
                p.add(new ConfigProblem("labels." + l.getKey(), "invalid label name \"" + l.getKey() + "\" (expected [a-zA-Z_][a-zA-Z0-9_]*)"));
            }
            if (l.getValue() == null) p.add(new ConfigProblem("labels." + l.getKey(), "has no value"));
        }
        for (int i = 0; i < c.structuredMetadata().size(); i++) {
            String n = c.structuredMetadata().get(i);
            if (n == null || n.isBlank()) p.add(new ConfigProblem("structured_metadata[" + i + "]", "must be a field name"));
        }
        if (c.tenantId() != null) checkTenant(p, c.tenantId());
        if (c.tenantIdField() != null && c.tenantIdField().isBlank()) p.add(new ConfigProblem("tenant_id_field", "must be a field name"));
        HttpChecks.auth(p, c.auth(), false);
        HttpChecks.tls(p, c.tls());
        HttpChecks.timeout(p, c.timeout());
        if (c.maxLineBytes().bytes() < 1) p.add(new ConfigProblem("max_line_bytes", "must be at least 1B"));
        return p;
    }

    @Override public Output create(LokiOutputConfig config, ComponentContext context) {
        return new LokiOutput(config, context, LokiOutput.newClient(config, PemTls.load(config.tls(), context.name())));
    }

    static boolean isValidLabelName(String n) {
        if (n == null || n.isEmpty()) return false;
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            boolean ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
            if (!ok) return false;
        }
        return true;
    }

    /** What Loki needs beyond a valid http(s) URL: a base to append the push path to, no credentials in it. */
    private static void checkLokiUrl(List<ConfigProblem> p, URI u) {
        if (u.getRawQuery() != null || u.getRawFragment() != null) {
            p.add(new ConfigProblem("url", "\"" + u + "\" must not have a query or fragment (/loki/api/v1/push is appended to it)"));
        } else if (u.getUserInfo() != null) {
            p.add(new ConfigProblem("url", "put credentials in auth (username/password), not in the URL"));
        }
    }

    private static void oneOf(List<ConfigProblem> p, String key, String value, List<String> allowed) {
        if (!allowed.contains(value)) p.add(new ConfigProblem(key, "\"" + value + "\" is not one of " + String.join(", ", allowed)));
    }

    /** Loki's rules for a tenant id: at most 150 characters of {@code [a-zA-Z0-9!-_.*'()]}, not "." or "..". */
    private static void checkTenant(List<ConfigProblem> p, String t) {
        if (t.isEmpty() || t.length() > 150 || t.equals(".") || t.equals("..")) {
            p.add(new ConfigProblem("tenant_id", "must be 1 to 150 characters and not \".\" or \"..\""));
            return;
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            boolean ok = Character.isLetterOrDigit(c) && c < 128 || "!-_.*'()".indexOf(c) >= 0;
            if (!ok) {
                p.add(new ConfigProblem("tenant_id", "character '" + c + "' is not allowed in a tenant id (letters, digits, !-_.*'())"));
                return;
            }
        }
    }
}
