package io.outrigger.outputs.promrw;

import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.OutputFactory;
import io.outrigger.outputs.common.PemTls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import okhttp3.OkHttpClient;

/** Makes {@code type: prometheus_remote_write} outputs. */
public final class PromRemoteWriteOutputFactory implements OutputFactory<PromRemoteWriteConfig> {

    private static final Set<String> PROTOCOL_HEADERS = Set.of("content-encoding", "content-type", "content-length",
            "x-prometheus-remote-write-version", "authorization", "host");

    @Override public String type() { return "prometheus_remote_write"; }

    @Override public Class<PromRemoteWriteConfig> configType() { return PromRemoteWriteConfig.class; }

    @Override public List<ConfigProblem> validate(PromRemoteWriteConfig c) {
        List<ConfigProblem> p = new ArrayList<>();
        if (c.url() == null || c.url().isBlank()) {
            p.add(new ConfigProblem("url", "required: the remote write endpoint, e.g. http://prometheus:9090/api/v1/write"));
        } else {
            try {
                URI u = new URI(c.url());
                if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
                    p.add(new ConfigProblem("url", "invalid URI \"" + c.url() + "\" (expected http:// or https://)"));
                } else if (u.getScheme().equals("http") && (c.tls().caFile() != null || c.tls().certFile() != null)) {
                    p.add(new ConfigProblem("tls", "set for an http:// url: use https:// or remove tls"));
                }
            } catch (URISyntaxException e) {
                p.add(new ConfigProblem("url", "invalid URI \"" + c.url() + "\" (expected http:// or https://)"));
            }
        }
        if (c.basicAuth() != null) {
            if (c.bearerToken() != null) p.add(new ConfigProblem("bearer_token", "set basic_auth or bearer_token, not both"));
            if (c.basicAuth().username() == null || c.basicAuth().username().isEmpty()) {
                p.add(new ConfigProblem("basic_auth.username", "required with basic_auth"));
            }
            if (c.basicAuth().password() == null) p.add(new ConfigProblem("basic_auth.password", "required with basic_auth"));
        } else if (c.bearerToken() != null && c.bearerToken().isEmpty()) {
            p.add(new ConfigProblem("bearer_token", "is empty (is its environment variable set?)"));
        }
        if (c.timeout().isNegative() || c.timeout().isZero()) p.add(new ConfigProblem("timeout", "must be positive"));
        for (String h : c.headers().keySet()) {
            if (c.headers().get(h) == null) p.add(new ConfigProblem("headers." + h, "needs a value"));
            if (PROTOCOL_HEADERS.contains(h.toLowerCase(Locale.ROOT))) {
                p.add(new ConfigProblem("headers." + h, "is set by the output itself and cannot be overridden"
                        + (h.equalsIgnoreCase("authorization") ? " (use basic_auth or bearer_token)" : "")));
            }
        }
        List<ConfigProblem> tls = c.tls().validate();
        tls.forEach(x -> p.add(x.under("tls")));
        if (tls.isEmpty()) {
            try {
                PemTls.build(c.tls());
            } catch (IOException | GeneralSecurityException e) {
                p.add(new ConfigProblem("tls", "cannot load TLS material: " + e.getMessage()));
            }
        }
        p.addAll(c.validateShared());
        return p;
    }

    @Override public Output create(PromRemoteWriteConfig config, ComponentContext context) {
        OkHttpClient.Builder b = new OkHttpClient.Builder()
                .callTimeout(config.timeout())
                .connectTimeout(config.timeout())
                .readTimeout(config.timeout())
                .writeTimeout(config.timeout())
                .retryOnConnectionFailure(false);
        try {
            PemTls.Material tls = PemTls.build(config.tls());
            if (tls != null) {
                b.sslSocketFactory(tls.socketFactory(), tls.trustManager());
                if (tls.skipHostnameVerification()) b.hostnameVerifier((host, session) -> true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("output " + context.name() + ": cannot read TLS files", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("output " + context.name() + ": cannot load TLS material: " + e.getMessage(), e);
        }
        OkHttpClient client = b.build();
        client.dispatcher().setMaxRequests(Math.max(1, config.concurrency()));
        client.dispatcher().setMaxRequestsPerHost(Math.max(1, config.concurrency()));
        return new PromRemoteWriteOutput(config, client, context.clock());
    }
}
