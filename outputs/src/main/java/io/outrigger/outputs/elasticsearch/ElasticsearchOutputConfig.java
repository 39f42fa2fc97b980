package io.outrigger.outputs.elasticsearch;

import io.outrigger.core.config.BatchConfig;
import io.outrigger.core.config.ByteSize;
import io.outrigger.core.config.HttpAuth;
import io.outrigger.core.config.OutputSettings;
import io.outrigger.core.config.RetryConfig;
import io.outrigger.core.config.TlsConfig;
import java.time.Duration;
import java.util.List;

/**
 * {@code type: elasticsearch}: sends records as ECS-shaped documents through the Bulk API.
 *
 * <pre>
 * outputs:
 *   es:
 *     type: elasticsearch
 *     hosts: [https://es-0:9200, https://es-1:9200]   # several: requests go round-robin, dead hosts skipped
 *     index: logs-%{[app]}-%{+yyyy.MM.dd}             # or data_stream: logs-app-default (exactly one of the two)
 *     pipeline: my-ingest-pipeline                    # optional
 *     id: deterministic                               # auto (default) | deterministic
 *     auth: {username: elastic, password: ${ES_PASSWORD}}   # or {api_key: ${ES_API_KEY}} or {bearer_token: ...}
 *     tls: {ca_file: /etc/es/ca.pem, ca_fingerprint: "AB:CD:...", cert_file: ..., key_file: ..., insecure_skip_verify: false}
 *     timeout: 30s
 *     compression: false                              # gzip request bodies
 *     batch: {max_records: 1000, max_bytes: 5MiB, max_wait: 1s}
 *     retry: {...}
 *     concurrency: 2
 * </pre>
 *
 * <p>Index templates: {@code %{+<java DateTimeFormatter pattern>}} formats the record's time in UTC,
 * {@code %{[field]}} (nested: {@code %{[kubernetes][namespace]}}) inserts a field's value, or a label's when no
 * field has that name. Rendered values are lowercased and characters Elasticsearch forbids in index names become
 * {@code _}. A record whose referenced field is missing is rejected (reason {@code invalid_record}), not guessed.
 * {@code data_stream} takes field references but no date math (a data stream rolls over by itself).
 *
 * <p>{@code id: deterministic} derives {@code _id} from the record's stream id, offset and message, and sends
 * {@code create}: a batch sent again after a crash or a lost answer makes no duplicate (Elasticsearch answers 409,
 * which counts as delivered). Records without an offset get an automatic id.
 */
public record ElasticsearchOutputConfig(List<String> hosts, String index, String dataStream, String pipeline,
                                        String id, HttpAuth auth, TlsConfig tls, Duration timeout, Boolean compression,
                                        BatchConfig batch, RetryConfig retry, Integer concurrency)
        implements OutputSettings {

    public static final String ID_AUTO = "auto";
    public static final String ID_DETERMINISTIC = "deterministic";

    public ElasticsearchOutputConfig {
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
        if (id == null) id = ID_AUTO;
        if (auth == null) auth = HttpAuth.NONE;
        if (tls == null) tls = TlsConfig.DEFAULT;
        if (timeout == null) timeout = Duration.ofSeconds(30);
        if (compression == null) compression = false;
        if (batch == null) batch = BatchConfig.DEFAULT.withDefaults(1000, ByteSize.ofMiB(5), Duration.ofSeconds(1));
        if (retry == null) retry = RetryConfig.DEFAULT;
        if (concurrency == null) concurrency = 2;
    }

    public boolean deterministicIds() { return ID_DETERMINISTIC.equals(id); }
}
