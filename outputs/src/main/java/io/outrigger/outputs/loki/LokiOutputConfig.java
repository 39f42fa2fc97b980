package io.outrigger.outputs.loki;

import io.outrigger.core.config.BatchConfig;
import io.outrigger.core.config.ByteSize;
import io.outrigger.core.config.OutputSettings;
import io.outrigger.core.config.RetryConfig;
import io.outrigger.core.config.Secret;
import io.outrigger.core.config.TlsConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Config of a {@code type: loki} output.
 *
 * <pre>
 * outputs:
 *   loki:
 *     type: loki
 *     url: http://loki:3100            # the push path /loki/api/v1/push is appended
 *     encoding: protobuf               # protobuf (snappy) | json
 *     line_format: message             # message | json | template
 *     template: "{{level}} {{message}}"  # with line_format: template; {{name}} is a field (dotted: {{http.status}}), {{message}}, {{timestamp}}
 *     structured_metadata: [trace_id]  # fields sent as structured metadata
 *     labels: {cluster: prod}          # static labels added to every stream
 *     tenant_id: team-a                # X-Scope-OrgID
 *     tenant_id_field: tenant          # or take it per record from a field (falls back to tenant_id)
 *     basic_auth: {username: u, password: "${LOKI_PASSWORD}"}
 *     bearer_token: "${LOKI_TOKEN}"    # or bearer_token_file: /var/run/secrets/loki-token
 *     tls: {ca_file: /etc/ca.pem, cert_file: ..., key_file: ..., insecure_skip_verify: false}
 *     timeout: 10s
 *     max_line_bytes: 256KiB
 *     out_of_order: accept             # accept | drop | clamp
 *     batch: {max_records: 1000, max_bytes: 1MiB, max_wait: 1s}
 *     retry: {...}
 *     concurrency: 2
 * </pre>
 */
public record LokiOutputConfig(
        String url,
        String encoding,
        String lineFormat,
        String template,
        List<String> structuredMetadata,
        String tenantId,
        String tenantIdField,
        BasicAuth basicAuth,
        Secret bearerToken,
        Path bearerTokenFile,
        TlsConfig tls,
        Duration timeout,
        ByteSize maxLineBytes,
        String outOfOrder,
        Map<String, String> labels,
        BatchConfig batch,
        RetryConfig retry,
        Integer concurrency) implements OutputSettings {

    public static final List<String> ENCODINGS = List.of("protobuf", "json");
    public static final List<String> LINE_FORMATS = List.of("message", "json", "template");
    public static final List<String> OUT_OF_ORDER_MODES = List.of("accept", "drop", "clamp");

    /** {@code basic_auth: {username, password}}; the password is a {@link Secret}. */
    public record BasicAuth(String username, Secret password) {
        public BasicAuth {
            if (username == null) username = "";
            if (password == null) password = Secret.of("");
        }
    }

    public LokiOutputConfig {
        encoding = encoding == null ? "protobuf" : encoding.toLowerCase(Locale.ROOT);
        lineFormat = lineFormat == null ? "message" : lineFormat.toLowerCase(Locale.ROOT);
        outOfOrder = outOfOrder == null ? "accept" : outOfOrder.toLowerCase(Locale.ROOT);
        structuredMetadata = structuredMetadata == null ? List.of() : List.copyOf(structuredMetadata);
        labels = labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
        if (tls == null) tls = TlsConfig.DEFAULT;
        if (timeout == null) timeout = Duration.ofSeconds(10);
        if (maxLineBytes == null) maxLineBytes = ByteSize.ofKiB(256);
        if (batch == null) batch = BatchConfig.DEFAULT;
        if (retry == null) retry = RetryConfig.DEFAULT;
        if (concurrency == null) concurrency = 2;
    }

    /** A config with only the URL set, everything else defaulted (for tests and programmatic use). */
    public static LokiOutputConfig of(String url) {
        return new LokiOutputConfig(url, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null);
    }
}
