package io.outrigger.outputs.promrw;

import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.OutputFactory;
import io.outrigger.outputs.common.HttpChecks;
import io.outrigger.outputs.common.PemTls;
import java.net.URI;
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
        URI u = HttpChecks.url(p, c.url(), "http://prometheus:9090/api/v1/write");
        if (u != null && u.getScheme().equalsIgnoreCase("http") && (c.tls().caFile() != null || c.tls().certFile() != null)) {
            p.add(new ConfigProblem("tls", "set for an http:// url: use https:// or remove tls"));
        }
        HttpChecks.auth(p, c.auth(), false);
        HttpChecks.timeout(p, c.timeout());
        for (String h : c.headers().keySet()) {
            if (c.headers().get(h) == null) p.add(new ConfigProblem("headers." + h, "needs a value"));
            if (PROTOCOL_HEADERS.contains(h.toLowerCase(Locale.ROOT))) {
                p.add(new ConfigProblem("headers." + h, "is set by the output itself and cannot be overridden"
                        + (h.equalsIgnoreCase("authorization") ? " (use auth)" : "")));
            }
        }
        HttpChecks.tls(p, c.tls());
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
        PemTls.Material tls = PemTls.load(config.tls(), context.name());
        if (tls != null) {
            b.sslSocketFactory(tls.socketFactory(), tls.trustManager());
            if (tls.skipHostnameVerification()) b.hostnameVerifier((host, session) -> true);
        }
        OkHttpClient client = b.build();
        client.dispatcher().setMaxRequests(Math.max(1, config.concurrency()));
        client.dispatcher().setMaxRequestsPerHost(Math.max(1, config.concurrency()));
        return new PromRemoteWriteOutput(config, client, context.clock());
    }
}
