package io.outrigger.outputs.kafka;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.outrigger.core.config.BatchConfig;
import io.outrigger.core.config.ByteSize;
import io.outrigger.core.config.OutputSettings;
import io.outrigger.core.config.RetryConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code type: kafka}. Example:
 * <pre>
 * outputs:
 *   events:
 *     type: kafka
 *     brokers: [kafka-0:9092, kafka-1:9092]
 *     topic: logs-{{app|unknown}}     # {{field}} from fields (dotted paths) or labels; |literal when missing
 *     key: pod                         # field whose text is the record key (none: sticky partitioning)
 *     headers: {x-app: app}            # header name -> field name
 *     format: json                     # json (the shared ECS-like shape) | raw (the message bytes)
 *     compression: lz4                 # none | gzip | snappy | lz4 | zstd
 *     acks: all                        # all | 1 | 0
 *     idempotence: true                # default true with acks all
 *     producer:                        # any Kafka producer property, passed through
 *       linger.ms: 20
 *       security.protocol: SASL_SSL
 *       sasl.jaas.config: ${KAFKA_JAAS}
 *     batch: {max_records: 1000}
 *     retry: {max_backoff: 30s}
 *     concurrency: 2                   # batches handed to the output at once; it sends them one after another
 * </pre>
 * Batches are sent with Apache Kafka's KafkaProducer, which takes every producer property (SASL, TLS,
 * interceptors, a partitioner).
 * Delivery is at least once: a record is acknowledged when the broker confirmed it with {@code acks}; a record
 * retried after a timeout may be written twice. Batches are sent one after another and the records of each in
 * order; a batch retried after a failure goes again after those sent meanwhile.
 * Values of secret producer properties ({@code sasl.jaas.config}, any key with {@code password}, {@code secret}
 * or {@code credentials} in it, {@code ssl.keystore.key}) are masked in {@link #toString()}, in errors and when
 * the config is written as JSON/YAML.
 */
public record KafkaOutputConfig(List<String> brokers, String topic, String key, Map<String, String> headers,
                                String format, String compression, String acks, Boolean idempotence,
                                @JsonSerialize(using = MaskedProducerSerializer.class) Map<String, String> producer,
                                BatchConfig batch, RetryConfig retry,
                                Integer concurrency) implements OutputSettings {

    public static final List<String> FORMATS = List.of("json", "raw");
    public static final List<String> COMPRESSIONS = List.of("none", "gzip", "snappy", "lz4", "zstd");
    public static final List<String> ACKS = List.of("all", "-1", "1", "0");

    public KafkaOutputConfig {
        brokers = brokers == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(brokers));
        headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        producer = producer == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(producer));
        if (format == null) format = "json";
        if (compression == null) compression = "lz4";
        if (acks == null) acks = "all";
        if (idempotence == null) idempotence = acks.equals("all") || acks.equals("-1");
        // a batch waits for every record's acknowledgement (acks=all), so throughput is batch size over that
        // latency: larger batches and more of them in flight than the HTTP outputs (measured in bench/e2e.sh)
        if (batch == null) batch = new BatchConfig(10_000, ByteSize.ofMiB(4), Duration.ofSeconds(1));
        if (retry == null) retry = RetryConfig.DEFAULT;
        if (concurrency == null) concurrency = 2; // 4 measured 6-8% slower and costlier on a 2-core sidecar
    }

    /** A config with defaults for everything but brokers and topic (tests, programmatic use). */
    public static KafkaOutputConfig of(List<String> brokers, String topic) {
        return new KafkaOutputConfig(brokers, topic, null, null, null, null, null, null, null, null, null, null);
    }

    @Override public String toString() {
        return "KafkaOutputConfig[brokers=" + brokers + ", topic=" + topic + ", key=" + key + ", headers=" + headers
                + ", format=" + format + ", compression=" + compression + ", acks=" + acks
                + ", idempotence=" + idempotence + ", producer=" + ProducerProperties.masked(producer)
                + ", batch=" + batch + ", retry=" + retry + ", concurrency=" + concurrency + "]";
    }
}
