package io.outrigger.outputs.promrw;

import io.outrigger.core.config.BatchConfig;
import io.outrigger.core.config.HttpAuth;
import io.outrigger.core.config.OutputSettings;
import io.outrigger.core.config.RetryConfig;
import io.outrigger.core.config.Secret;
import io.outrigger.core.config.TlsConfig;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code type: prometheus_remote_write}: sends metric records (see {@link io.outrigger.core.event.MetricSample}) to a
 * Prometheus remote write 1.0 endpoint (Prometheus with {@code --web.enable-remote-write-receiver}, Mimir, Thanos
 * receive, VictoriaMetrics...).
 *
 * <pre>
 * outputs:
 *   prom:
 *     type: prometheus_remote_write
 *     url: http://prometheus:9090/api/v1/write
 *     timeout: 30s                  # per request, default 30s
 *     auth: {username: agent, password: ${PROM_PASSWORD}}   # or {bearer_token: ...} or {bearer_token_file: ...}
 *     headers: {X-Scope-OrgID: team-a}  # extra headers; values are masked like secrets (API keys go here)
 *     tls: {ca_file: /etc/ssl/ca.pem, cert_file: ..., key_file: ..., insecure_skip_verify: false}
 *     batch: {max_records: 2000, max_bytes: 1MiB, max_wait: 1s}
 *     retry: {initial_backoff: 250ms, max_backoff: 30s}
 *     concurrency: 1                # more than 1 may reorder a series' samples, which Prometheus rejects
 * </pre>
 */
public record PromRemoteWriteConfig(String url, HttpAuth auth, TlsConfig tls, Duration timeout,
                                    Map<String, Secret> headers, BatchConfig batch, RetryConfig retry, Integer concurrency)
        implements OutputSettings {

    public PromRemoteWriteConfig {
        if (auth == null) auth = HttpAuth.NONE;
        if (tls == null) tls = TlsConfig.DEFAULT;
        if (timeout == null) timeout = Duration.ofSeconds(30);
        headers = headers == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(headers));
        if (batch == null) batch = new BatchConfig(2000, null, null);
        if (retry == null) retry = RetryConfig.DEFAULT;
        if (concurrency == null) concurrency = 1;
    }
}
