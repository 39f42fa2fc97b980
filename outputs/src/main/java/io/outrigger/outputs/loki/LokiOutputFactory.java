package io.outrigger.outputs.loki;

import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.OutputFactory;
import io.outrigger.outputs.common.PemTls;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code type: loki}: pushes to Grafana Loki's HTTP push API (protobuf + Snappy, or JSON). */
public final class LokiOutputFactory implements OutputFactory<LokiOutputConfig> {

    @Override public String type() { return "loki"; }

    @Override public Class<LokiOutputConfig> configType() { return LokiOutputConfig.class; }

    @Override public List<ConfigProblem> validate(LokiOutputConfig c) {
        List<ConfigProblem> p = new ArrayList<>(c.validateShared());
        checkUrl(p, c.url());
        oneOf(p, "encoding", c.encoding(), LokiOutputConfig.ENCODINGS);
        oneOf(p, "line_format", c.lineFormat(), LokiOutputConfig.LINE_FORMATS);
        oneOf(p, "out_of_order", c.outOfOrder(), LokiOutputConfig.OUT_OF_ORDER_MODES);
        if (c.lineFormat().equals("template")) {
            if (c.template() == null || c.template().isEmpty()) {
                p.add(new ConfigProblem("template", "is required with line_format: template, e.g. \"{level} {message}\""));
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
        if (c.basicAuth() != null) {
            if (c.basicAuth().username().isEmpty()) p.add(new ConfigProblem("basic_auth.username", "is required with basic_auth"));
            if (c.bearerToken() != null || c.bearerTokenFile() != null) {
                p.add(new ConfigProblem("basic_auth", "basic_auth and " + (c.bearerToken() != null ? "bearer_token" : "bearer_token_file")
                        + " are both set: choose one"));
            }
        }
        if (c.bearerToken() != null && c.bearerTokenFile() != null) {
            p.add(new ConfigProblem("bearer_token_file", "bearer_token and bearer_token_file are both set: choose one"));
        }
        if (c.bearerToken() != null && c.bearerToken().isEmpty()) p.add(new ConfigProblem("bearer_token", "is empty"));
        if (c.bearerTokenFile() != null) {
            if (!Files.isRegularFile(c.bearerTokenFile())) p.add(new ConfigProblem("bearer_token_file", "no such file: " + c.bearerTokenFile()));
            else if (!Files.isReadable(c.bearerTokenFile())) p.add(new ConfigProblem("bearer_token_file", "file is not readable: " + c.bearerTokenFile()));
        }
        List<ConfigProblem> tls = c.tls().validate();
        tls.forEach(x -> p.add(x.under("tls")));
        if (tls.isEmpty()) {
            try {
                PemTls.build(c.tls());
            } catch (IOException | GeneralSecurityException e) {
                p.add(new ConfigProblem("tls", "cannot be loaded: " + e.getMessage()));
            }
        }
        if (c.timeout().isNegative() || c.timeout().isZero()) p.add(new ConfigProblem("timeout", "must be positive"));
        if (c.maxLineBytes().bytes() < 1) p.add(new ConfigProblem("max_line_bytes", "must be at least 1B"));
        return p;
    }

    @Override public Output create(LokiOutputConfig config, ComponentContext context) {
        PemTls.Material tls;
        try {
            tls = PemTls.build(config.tls());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("outputs." + context.name() + ".tls cannot be loaded: " + e.getMessage(), e);
        }
        return new LokiOutput(config, context, LokiOutput.newClient(config, tls));
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

    private static void checkUrl(List<ConfigProblem> p, String url) {
        if (url == null || url.isBlank()) {
            p.add(new ConfigProblem("url", "is required, e.g. http://loki:3100"));
            return;
        }
        try {
            URI u = new URI(url);
            String scheme = u.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https")) || u.getHost() == null) {
                p.add(new ConfigProblem("url", "invalid URI \"" + url + "\" (expected http:// or https:// and a host)"));
            } else if (u.getRawQuery() != null || u.getRawFragment() != null) {
                p.add(new ConfigProblem("url", "\"" + url + "\" must not have a query or fragment (/loki/api/v1/push is appended to it)"));
            } else if (u.getUserInfo() != null) {
                p.add(new ConfigProblem("url", "put credentials in basic_auth, not in the URL"));
            }
        } catch (URISyntaxException e) {
            p.add(new ConfigProblem("url", "invalid URI \"" + url + "\" (expected http:// or https:// and a host)"));
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
