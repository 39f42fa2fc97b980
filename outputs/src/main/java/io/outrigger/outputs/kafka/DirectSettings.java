package io.outrigger.outputs.kafka;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.CompressionType;

/**
 * What the direct sender ({@link DirectKafkaOutput}) runs with, read from the same producer properties
 * KafkaProducer would get ({@link ProducerProperties#build}), and which configs it can take at all.
 *
 * <p>It takes PLAINTEXT brokers with acks all or 1. It honours {@link #HONOURED} and ignores {@link #NO_EFFECT}
 * (settings of KafkaProducer's accumulator, metrics and reconnect logic, which the direct sender does not have).
 * Any other producer property (SASL, TLS, interceptors, a partitioner, ...) means the output uses KafkaProducer,
 * which knows them all.
 */
record DirectSettings(List<String> brokers, String clientId, short acks, boolean idempotent, Compression compression,
                      int batchSize, int maxRequestSize, int requestTimeoutMs, int deliveryTimeoutMs, int maxBlockMs,
                      int retryBackoffMs, int retryBackoffMaxMs, int connectTimeoutMs, int maxInFlight,
                      long metadataMaxAgeMs, int sendBufferBytes, int receiveBufferBytes) {

    static final Set<String> HONOURED = Set.of("batch.size", "max.request.size", "request.timeout.ms",
            "delivery.timeout.ms", "max.block.ms", "retry.backoff.ms", "retry.backoff.max.ms", "client.id",
            "socket.connection.setup.timeout.ms", "max.in.flight.requests.per.connection", "metadata.max.age.ms",
            "send.buffer.bytes", "receive.buffer.bytes", "compression.gzip.level", "compression.lz4.level",
            "compression.zstd.level", "security.protocol");

    static final Set<String> NO_EFFECT = Set.of("linger.ms", "buffer.memory", "metric.reporters", "metrics.num.samples",
            "metrics.sample.window.ms", "metrics.recording.level", "auto.include.jmx.reporter", "enable.metrics.push",
            "reconnect.backoff.ms", "reconnect.backoff.max.ms", "connections.max.idle.ms", "retries",
            "socket.connection.setup.timeout.max.ms", "client.dns.lookup", "metadata.max.idle.ms",
            "metadata.recovery.strategy", "metadata.recovery.rebootstrap.trigger.ms", "partitioner.adaptive.partitioning.enable",
            "partitioner.availability.timeout.ms", "allow.auto.create.topics");

    /**
     * Why this config needs KafkaProducer, or null when the direct sender takes it. With {@code client: producer}
     * the answer is always that.
     */
    static String needsProducer(KafkaOutputConfig c) {
        if (c.client().equals("producer")) return "client: producer";
        if (c.acks().equals("0")) return "acks: 0";
        for (Map.Entry<String, String> e : c.producer().entrySet()) {
            String k = e.getKey();
            if (k.equals("security.protocol")) {
                if (e.getValue() != null && !e.getValue().strip().equalsIgnoreCase("PLAINTEXT")) {
                    return "producer.security.protocol: " + e.getValue().strip();
                }
            } else if (!HONOURED.contains(k) && !NO_EFFECT.contains(k)) {
                return "producer." + k;
            }
        }
        return null;
    }

    static DirectSettings of(KafkaOutputConfig c) {
        Properties p = ProducerProperties.build(c);
        short acks = c.acks().equals("1") ? (short) 1 : (short) -1;
        boolean idempotent = c.idempotence();
        int maxInFlight = Math.max(1, Math.min(5, number(p, "max.in.flight.requests.per.connection", 5)));
        if (!idempotent) maxInFlight = 1; // without sequences, a request sent again could pass a later one
        return new DirectSettings(c.brokers(), p.getProperty("client.id", "outrigger"), acks, idempotent,
                compression(c.compression(), p.getProperty("compression." + c.compression().toLowerCase(Locale.ROOT) + ".level")),
                number(p, "batch.size", 512 * 1024), number(p, "max.request.size", 1024 * 1024),
                number(p, "request.timeout.ms", 10_000), number(p, "delivery.timeout.ms", 30_000),
                number(p, "max.block.ms", 5_000), number(p, "retry.backoff.ms", 100),
                number(p, "retry.backoff.max.ms", 1_000), number(p, "socket.connection.setup.timeout.ms", 10_000),
                maxInFlight, number(p, "metadata.max.age.ms", 300_000), number(p, "send.buffer.bytes", 128 * 1024),
                number(p, "receive.buffer.bytes", 32 * 1024));
    }

    /**
     * The client's compression {@code type} ({@code none}, {@code gzip}, {@code snappy}, {@code lz4}, {@code zstd})
     * at {@code level}, or its default level when null. Throws IllegalArgumentException for a level the client
     * does not take (NumberFormatException for one that is not a whole number): {@link ProducerProperties#validate}
     * checks levels with it.
     */
    static Compression compression(String type, String level) {
        Integer l = level == null ? null : Integer.valueOf(level.strip());
        return switch (CompressionType.forName(type.toLowerCase(Locale.ROOT))) {
            case GZIP -> l == null ? Compression.gzip().build() : Compression.gzip().level(l).build();
            case LZ4 -> l == null ? Compression.lz4().build() : Compression.lz4().level(l).build();
            case ZSTD -> l == null ? Compression.zstd().build() : Compression.zstd().level(l).build();
            case SNAPPY -> Compression.snappy().build();
            case NONE -> Compression.NONE;
        };
    }

    /** A whole-number property (validated before: {@link ProducerProperties#validate}), or the default. */
    private static int number(Properties p, String key, int otherwise) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) return otherwise;
        try {
            return (int) Math.min(Integer.MAX_VALUE, Long.parseLong(v.strip()));
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
