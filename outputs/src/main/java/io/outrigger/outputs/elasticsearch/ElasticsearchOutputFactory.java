package io.outrigger.outputs.elasticsearch;

import co.elastic.clients.transport.rest5_client.low_level.Rest5Client;
import co.elastic.clients.transport.rest5_client.low_level.Rest5ClientBuilder;
import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.config.HttpAuth;
import io.outrigger.core.config.TlsConfig;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.OutputFactory;
import io.outrigger.outputs.common.AuthHeader;
import io.outrigger.outputs.common.HttpChecks;
import io.outrigger.outputs.common.PemTls;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.util.Timeout;

/** {@code type: elasticsearch}; see {@link ElasticsearchOutputConfig} for the YAML. */
public final class ElasticsearchOutputFactory implements OutputFactory<ElasticsearchOutputConfig> {

    @Override public String type() { return "elasticsearch"; }

    @Override public Class<ElasticsearchOutputConfig> configType() { return ElasticsearchOutputConfig.class; }

    @Override public List<ConfigProblem> validate(ElasticsearchOutputConfig c) {
        List<ConfigProblem> p = new ArrayList<>(c.validateShared());
        validateHosts(c.hosts(), p);
        if (c.index() != null && c.dataStream() != null) {
            p.add(new ConfigProblem("data_stream", "index and data_stream are mutually exclusive: set one of them"));
        } else if (c.index() == null && c.dataStream() == null) {
            p.add(new ConfigProblem("index", "set index (e.g. logs-app-%{+yyyy.MM.dd}) or data_stream (e.g. logs-app-default)"));
        }
        if (c.index() != null) template(p, "index", c.index(), true);
        if (c.dataStream() != null) template(p, "data_stream", c.dataStream(), false);
        if (c.pipeline() != null && c.pipeline().isBlank()) p.add(new ConfigProblem("pipeline", "must not be empty (remove the key for no pipeline)"));
        if (!c.id().equals(ElasticsearchOutputConfig.ID_AUTO) && !c.id().equals(ElasticsearchOutputConfig.ID_DETERMINISTIC)) {
            p.add(new ConfigProblem("id", "\"" + c.id() + "\" is not one of auto, deterministic"));
        }
        validateAuth(c.auth(), p);
        validateTls(c.tls(), p);
        if (c.timeout().isNegative() || c.timeout().isZero()) p.add(new ConfigProblem("timeout", "must be positive"));
        return p;
    }

    private static void validateHosts(List<String> hosts, List<ConfigProblem> p) {
        if (hosts.isEmpty()) {
            p.add(new ConfigProblem("hosts", "at least one host is needed, e.g. [http://localhost:9200]"));
            return;
        }
        String firstPath = null;
        for (int i = 0; i < hosts.size(); i++) {
            String key = "hosts[" + i + "]";
            String h = hosts.get(i);
            URI uri = parseHost(h);
            if (uri == null) {
                p.add(new ConfigProblem(key, "invalid URI \"" + h + "\" (expected http:// or https://)"));
                continue;
            }
            if (uri.getRawUserInfo() != null) {
                p.add(new ConfigProblem(key, "credentials in the URL are not allowed: put them under auth (username/password or api_key)"));
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                p.add(new ConfigProblem(key, "\"" + h + "\" must not have a query or fragment"));
            }
            String path = pathOf(uri);
            if (firstPath == null) firstPath = path;
            else if (!firstPath.equals(path)) {
                p.add(new ConfigProblem(key, "all hosts must have the same path prefix (hosts[0] has \"" + firstPath + "\", this one \"" + path + "\")"));
            }
        }
    }

    /** The host as a URI when it is an absolute http(s) URL with a host, else null. */
    static URI parseHost(String h) {
        if (h == null) return null;
        try {
            URI uri = new URI(h.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) return null;
            if (uri.getHost() == null) return null;
            return uri;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static String pathOf(URI uri) {
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) path = path.substring(0, path.length() - 1);
        return path;
    }

    private static void template(List<ConfigProblem> p, String key, String value, boolean allowDates) {
        try {
            IndexTemplate.parse(value, allowDates);
        } catch (IllegalArgumentException e) {
            p.add(new ConfigProblem(key, e.getMessage()));
        }
    }

    /** The shared auth checks; a token file is not re-read by this client's fixed headers, so it is refused. */
    private static void validateAuth(HttpAuth a, List<ConfigProblem> p) {
        HttpChecks.auth(p, a, true);
        if (a.bearerTokenFile() != null) {
            p.add(new ConfigProblem("auth.bearer_token_file", "is not supported by elasticsearch outputs: use api_key, bearer_token or username/password"));
        }
    }

    private static void validateTls(TlsConfig t, List<ConfigProblem> p) {
        t.validate().forEach(x -> p.add(x.under("tls")));
        if (t.caFingerprint() != null && PemTls.normalizeFingerprint(t.caFingerprint()) == null) {
            p.add(new ConfigProblem("tls.ca_fingerprint", "expected a SHA-256 fingerprint: 64 hex digits, colons allowed"));
        }
        if (t.caFingerprint() != null && t.caFile() != null) {
            p.add(new ConfigProblem("tls.ca_fingerprint", "ca_file and ca_fingerprint are mutually exclusive: set one of them"));
        }
        if (t.insecureSkipVerify() && (t.caFile() != null || t.caFingerprint() != null)) {
            p.add(new ConfigProblem("tls.insecure_skip_verify", "verification is off, so ca_file/ca_fingerprint would be ignored: remove one"));
        }
        if (t.caFile() != null && t.validate().stream().noneMatch(x -> x.path().equals("ca_file"))) {
            try {
                PemTls.readCertificates("ca_file", t.caFile());
            } catch (IOException | GeneralSecurityException e) {
                p.add(new ConfigProblem("tls.ca_file", "cannot read a PEM certificate from " + t.caFile() + ": " + e.getMessage()));
            }
        }
        if (t.keyFile() != null && t.validate().stream().noneMatch(x -> x.path().equals("key_file"))) {
            try {
                PemTls.readPrivateKey(t.keyFile());
            } catch (IOException e) {
                // TlsConfig reports unreadable files
            } catch (GeneralSecurityException e) {
                p.add(new ConfigProblem("tls.key_file", e.getMessage()));
            }
        }
    }

    @Override public Output create(ElasticsearchOutputConfig c, ComponentContext context) {
        return new ElasticsearchOutput(c, context.name(), context.metrics(), context.clock(), client(c));
    }

    static Rest5Client client(ElasticsearchOutputConfig c) {
        List<URI> uris = new ArrayList<>();
        for (String h : c.hosts()) {
            URI u = parseHost(h);
            if (u == null) throw new IllegalArgumentException("invalid host " + h);
            uris.add(URI.create(u.getScheme() + "://" + u.getRawAuthority()));
        }
        Rest5ClientBuilder b = Rest5Client.builder(uris);
        String prefix = pathOf(parseHost(c.hosts().getFirst()));
        if (!prefix.isEmpty()) b.setPathPrefix(prefix);
        List<Header> headers = new ArrayList<>();
        try {
            String auth = AuthHeader.of(c.auth()).value(); // no token file here (validate refuses it)
            if (auth != null) headers.add(new BasicHeader("Authorization", auth, true));
        } catch (IOException e) {
            throw new IllegalArgumentException("auth: " + e.getMessage(), e);
        }
        b.setDefaultHeaders(headers.toArray(Header[]::new));
        Duration timeout = c.timeout();
        Timeout t = Timeout.ofMilliseconds(timeout.toMillis());
        Timeout connect = Timeout.ofMilliseconds(Math.min(timeout.toMillis(), 10_000));
        b.setRequestConfigCallback(rc -> rc.setResponseTimeout(t).setConnectionRequestTimeout(t));
        b.setConnectionConfigCallback(cc -> cc.setConnectTimeout(connect).setSocketTimeout(t));
        SSLContext ssl;
        try {
            PemTls.Material tls = PemTls.build(c.tls());
            ssl = tls == null ? null : tls.context();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("tls: " + e.getMessage(), e);
        }
        int perRoute = Math.max(2, c.concurrency() + 1);
        boolean skipHostnames = c.tls().insecureSkipVerify();
        b.setConnectionManagerCallback(cm -> {
            cm.setMaxConnPerRoute(perRoute).setMaxConnTotal(perRoute * uris.size());
            if (skipHostnames && ssl != null) {
                cm.setTlsStrategy(ClientTlsStrategyBuilder.create().setSslContext(ssl)
                        .setHostnameVerifier(NoopHostnameVerifier.INSTANCE).buildAsync());
            }
        });
        // the shared sender retries (with backoff and Retry-After); the HTTP client's own retries would hide that
        b.setHttpClientConfigCallback(hc -> hc.disableAutomaticRetries());
        if (ssl != null) b.setSSLContext(ssl);
        b.setCompressionEnabled(c.compression());
        return b.build();
    }
}
