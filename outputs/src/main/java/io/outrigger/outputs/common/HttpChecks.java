package io.outrigger.outputs.common;

import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.config.Secret;
import io.outrigger.core.config.TlsConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;

/**
 * Config checks shared by the HTTP outputs' factories ({@code url}, {@code basic_auth} / {@code bearer_token},
 * {@code tls}, {@code timeout}), so every output words the same mistake the same way. Each adds its problems to
 * the given list, with paths relative to the component.
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
     * {@code basic_auth} (when {@code basicAuth}), {@code bearer_token} and {@code bearer_token_file} (null when the
     * output has none): at most one of them, a username and password with basic_auth, a non-empty token, a readable
     * token file.
     */
    public static void auth(List<ConfigProblem> p, boolean basicAuth, String username, Secret password,
                            Secret bearerToken, Path bearerTokenFile) {
        if (basicAuth) {
            if (bearerToken != null || bearerTokenFile != null) {
                p.add(new ConfigProblem("basic_auth", "basic_auth and " + (bearerToken != null ? "bearer_token" : "bearer_token_file")
                        + " are both set: choose one"));
            }
            if (username == null || username.isEmpty()) p.add(new ConfigProblem("basic_auth.username", "is required with basic_auth"));
            if (password == null) p.add(new ConfigProblem("basic_auth.password", "is required with basic_auth"));
        }
        if (bearerToken != null && bearerTokenFile != null) {
            p.add(new ConfigProblem("bearer_token_file", "bearer_token and bearer_token_file are both set: choose one"));
        }
        if (bearerToken != null && bearerToken.isEmpty()) {
            p.add(new ConfigProblem("bearer_token", "is empty (is its environment variable set?)"));
        }
        if (bearerTokenFile != null) {
            if (!Files.isRegularFile(bearerTokenFile)) p.add(new ConfigProblem("bearer_token_file", "no such file: " + bearerTokenFile));
            else if (!Files.isReadable(bearerTokenFile)) p.add(new ConfigProblem("bearer_token_file", "file is not readable: " + bearerTokenFile));
        }
    }

    /** {@code tls}: the core checks, then, when they pass, that {@link PemTls} can load the files. */
    public static void tls(List<ConfigProblem> p, TlsConfig tls) {
        List<ConfigProblem> own = tls.validate();
        own.forEach(x -> p.add(x.under("tls")));
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
