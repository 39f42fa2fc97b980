package io.outrigger.outputs.common;

import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.config.HttpAuth;
import io.outrigger.core.config.TlsConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Config checks shared by the HTTP outputs' factories ({@code url}, {@code auth}, {@code tls}, {@code timeout}),
 * so every output words the same mistake the same way. Each adds its problems to the given list, with paths
 * relative to the component.
 */
public final class HttpChecks {

    private HttpChecks() {}

    /**
     * {@code url}: required, http:// or https:// with a host. Returns the parsed URI for further checks, or null
     * when a problem was added.
     *
     * @param example a URL to show when none is given, e.g. {@code http://loki:3100}
     */
    public static URI url(List<ConfigProblem> p, String url, String example) {
        if (url == null || url.isBlank()) {
            p.add(new ConfigProblem("url", "is required, e.g. " + example));
            return null;
        }
        try {
            URI u = new URI(url);
            String scheme = u.getScheme();
            if (scheme != null && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https")) && u.getHost() != null) return u;
        } catch (URISyntaxException e) {
            // reported below
        }
        p.add(new ConfigProblem("url", "invalid URI \"" + url + "\" (expected http:// or https:// and a host)"));
        return null;
    }

    /**
     * {@code auth}: at most one scheme (username + password, bearer_token, bearer_token_file, api_key when the
     * output takes it), a username and a password together, no empty secret, a readable token file.
     *
     * @param apiKey whether the output knows the {@code ApiKey} scheme (Elasticsearch)
     */
    public static void auth(List<ConfigProblem> p, HttpAuth a, boolean apiKey) {
        if (a == null) return;
        List<String> set = new ArrayList<>();
        if (a.isBasic()) set.add("username/password");
        if (a.bearerToken() != null) set.add("bearer_token");
        if (a.bearerTokenFile() != null) set.add("bearer_token_file");
        if (a.apiKey() != null) {
            if (apiKey) set.add("api_key");
            else p.add(new ConfigProblem("auth.api_key", "is only known to elasticsearch outputs: use username/password or bearer_token"));
        }
        if (set.size() > 1) {
            p.add(new ConfigProblem("auth", String.join(" and ", set) + (set.size() == 2 ? " are both set" : " are all set") + ": choose one"));
        }
        if (a.isBasic()) {
            if (a.username() == null || a.username().isEmpty() || a.username().indexOf(':') >= 0) {
                p.add(new ConfigProblem("auth.username", a.username() == null ? "is required with a password"
                        : "must not be empty or contain ':'"));
            }
            if (a.password() == null) p.add(new ConfigProblem("auth.password", "is required with a username"));
            else if (a.password().isEmpty()) p.add(new ConfigProblem("auth.password", "is empty (is its environment variable set?)"));
        }
        if (a.bearerToken() != null && a.bearerToken().isEmpty()) {
            p.add(new ConfigProblem("auth.bearer_token", "is empty (is its environment variable set?)"));
        }
        if (apiKey && a.apiKey() != null && a.apiKey().isEmpty()) {
            p.add(new ConfigProblem("auth.api_key", "is empty (is its environment variable set?)"));
        }
        Path file = a.bearerTokenFile();
        if (file != null) {
            if (!Files.isRegularFile(file)) p.add(new ConfigProblem("auth.bearer_token_file", "no such file: " + file));
            else if (!Files.isReadable(file)) p.add(new ConfigProblem("auth.bearer_token_file", "file is not readable: " + file));
        }
    }

    /**
     * {@code tls}: the core checks; {@code ca_fingerprint} well formed and not with {@code ca_file}; not both
     * {@code insecure_skip_verify} and a CA; then, when all that passes, that {@link PemTls} can load the files.
     */
    public static void tls(List<ConfigProblem> p, TlsConfig tls) {
        List<ConfigProblem> own = new ArrayList<>();
        tls.validate().forEach(x -> own.add(x.under("tls")));
        if (tls.caFingerprint() != null && PemTls.normalizeFingerprint(tls.caFingerprint()) == null) {
            own.add(new ConfigProblem("tls.ca_fingerprint", "expected a SHA-256 fingerprint: 64 hex digits, colons allowed"));
        }
        if (tls.caFile() != null && tls.caFingerprint() != null) {
            own.add(new ConfigProblem("tls.ca_fingerprint", "ca_file and ca_fingerprint are mutually exclusive: set one of them"));
        }
        if (tls.insecureSkipVerify() && (tls.caFile() != null || tls.caFingerprint() != null)) {
            own.add(new ConfigProblem("tls.insecure_skip_verify", "verification is off, so ca_file/ca_fingerprint would be ignored: remove one"));
        }
        p.addAll(own);
        if (!own.isEmpty()) return;
        try {
            PemTls.build(tls);
        } catch (IOException | GeneralSecurityException e) {
            p.add(new ConfigProblem("tls", "cannot be loaded: " + e.getMessage()));
        }
    }

    /** {@code timeout}: more than zero. */
    public static void timeout(List<ConfigProblem> p, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) p.add(new ConfigProblem("timeout", "must be positive"));
    }
}
