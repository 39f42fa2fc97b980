package io.outrigger.outputs.loki;

import io.outrigger.core.config.BatchConfig;
import io.outrigger.core.config.ByteSize;
import io.outrigger.core.config.HttpAuth;
import io.outrigger.core.config.OutputSettings;
import io.outrigger.core.config.RetryConfig;
import io.outrigger.core.config.TlsConfig;
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
 *     auth: {username: u, password: "${LOKI_PASSWORD}"}  # or {bearer_token: ...} or {bearer_token_file: /var/run/secrets/loki-token}
 *     tls: {ca_file: /etc/ca.pem, cert_file: ..., key_file: ..., insecure_skip_verify: false}  # or ca_fingerprint instead of ca_file
 *     timeout: 10s
 *     max_line_bytes: 256KiB
 *     out_of_order: accept             # accept | drop | clamp
 *     batch: {max_records: 10000, max_bytes: 1MiB, max_wait: 1s}   # Promtail's 1MiB pushes; bytes bind first
 *     retry: {...}
 *     concurrency: 4                   # pushes in flight: four 1MiB pushes hide Loki's latency (~50ms a push)
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
        HttpAuth auth,
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
    /** Enough that {@code batch.max_bytes} (1MiB, as Promtail's {@code batchsize}) ends a push of lines of 100B and more. */
    public static final int DEFAULT_MAX_RECORDS = 10_000;
    public static final int DEFAULT_CONCURRENCY = 4;

    public LokiOutputConfig {
        encoding = encoding == null ? "protobuf" : encoding.toLowerCase(Locale.ROOT);
        lineFormat = lineFormat == null ? "message" : lineFormat.toLowerCase(Locale.ROOT);
        outOfOrder = outOfOrder == null ? "accept" : outOfOrder.toLowerCase(Locale.ROOT);
        structuredMetadata = structuredMetadata == null ? List.of() : List.copyOf(structuredMetadata);
        labels = labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
        if (auth == null) auth = HttpAuth.NONE;
        if (tls == null) tls = TlsConfig.DEFAULT;
        if (timeout == null) timeout = Duration.ofSeconds(10);
        if (maxLineBytes == null) maxLineBytes = ByteSize.ofKiB(256);
        if (batch == null) batch = BatchConfig.DEFAULT.withDefaults(DEFAULT_MAX_RECORDS, ByteSize.ofMiB(1), Duration.ofSeconds(1));
        if (retry == null) retry = RetryConfig.DEFAULT;
        if (concurrency == null) concurrency = DEFAULT_CONCURRENCY;
    }

    /** A config with only the URL set, everything else defaulted (for tests and programmatic use). */
    public static LokiOutputConfig of(String url) {
        return new LokiOutputConfig(url, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null);
    }
}
