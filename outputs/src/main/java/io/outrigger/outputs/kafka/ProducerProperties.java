package io.outrigger.outputs.kafka;

import io.outrigger.core.config.ConfigProblem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The Kafka producer properties an output runs with: our defaults, then the user's {@code producer:} map, then
 * what the output's own keys decide. Also knows which properties hold secrets, so they can be masked.
 *
 * <p>Defaults, chosen for a log shipper that sends from its own threads and lets the shared sender retry:
 * <ul>
 *   <li>{@code linger.ms=10}, {@code batch.size=512KiB}: the output flushes the producer after each of its
 *       batches, so linger only keeps a partition's request open while the batch is still being appended (a few
 *       ms); 0 sent many small requests and cost more CPU (bench/README.md, "Choices measured").</li>
 *   <li>{@code compression=lz4} (set with {@code compression:}): log lines compress 3-6x at a CPU cost far below
 *       gzip/zstd, so network and broker disk shrink for little CPU; zstd compresses better but costs more.
 *       {@code none} measured costlier for the agent itself, even to a broker on the same host: the network
 *       thread then writes several times the bytes; snappy cost the broker more than lz4.</li>
 *   <li>{@code max.block.ms=5000}: {@code send()} blocks when metadata is missing or the buffer is full. It
 *       runs on the output's own executor, never the caller's thread, and after the first record of a batch times
 *       out this way the rest of the batch is answered Retryable at once instead of waiting again per record.</li>
 *   <li>{@code metric.reporters} empty: the client's default JmxReporter starts the JVM's platform MBean server
 *       and registers each of the producer's ~100 metrics as an MBean again whenever one is added to its group.
 *       Nothing reads JMX in a sidecar that serves Prometheus {@code /metrics}; without it the agent reached its
 *       first Kafka delivery with less CPU (bench/README.md). A user who wants JMX sets {@code producer: {metric.reporters:
 *       org.apache.kafka.common.metrics.JmxReporter}}.</li>
 *   <li>{@code buffer.memory}: see {@link #bufferMemory}.</li>
 *   <li>{@code request.timeout.ms=10000}, {@code delivery.timeout.ms=30000}: the producer's own retries stay
 *       inside delivery.timeout.ms; after that the batch comes back Retryable and the shared sender backs off.</li>
 *   <li>{@code retry.backoff.ms} and {@code retry.backoff.max.ms} from the output's {@code retry.initial_backoff}
 *       and {@code retry.max_backoff}, so the producer's own retries wait as the output's {@code retry:} says
 *       (a {@code producer:} value still wins); they are counted in {@code outrigger_output_retries_total}.</li>
 * </ul>
 */
final class ProducerProperties {

    static final String MASK = "******";

    /** Producer keys the output sets itself, and the output key that replaces each. */
    static final Map<String, String> OWNED = Map.of(
            "bootstrap.servers", "use brokers instead",
            "key.serializer", "set by the output (records are sent as bytes); remove it",
            "value.serializer", "set by the output (records are sent as bytes); remove it",
            "compression.type", "use compression instead",
            "acks", "use acks instead",
            "enable.idempotence", "use idempotence instead",
            "transactional.id", "transactions are not supported by this output; remove it");

    static final Map<String, String> DEFAULTS = Map.of(
            "linger.ms", "10",
            "batch.size", Integer.toString(512 * 1024),
            "max.block.ms", "5000",
            "request.timeout.ms", "10000",
            "delivery.timeout.ms", "30000",
            "metric.reporters", "",
            "client.id", "outrigger");

    private ProducerProperties() {}

    /** True for a property whose value must never be shown. */
    static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.equals("sasl.jaas.config") || k.contains("password") || k.contains("secret")
                || k.contains("credentials") || k.equals("ssl.keystore.key") || k.endsWith(".token");
    }

    /** The map with secret values replaced by {@value #MASK}. */
    static Map<String, String> masked(Map<String, String> props) {
        Map<String, String> m = new LinkedHashMap<>();
        props.forEach((k, v) -> m.put(k, isSecret(k) ? MASK : v));
        return m;
    }

    /**
     * {@code text} with every secret value of {@code props} replaced by {@value #MASK}, and also every word of
     * such a value (a JAAS parse error quotes the token it choked on, which may be the password), except the
     * JAAS grammar's own words and login module class names.
     */
    static String scrub(String text, Map<String, String> props) {
        if (text == null) return "";
        String out = text;
        for (Map.Entry<String, String> e : props.entrySet()) {
            String v = e.getValue();
            if (!isSecret(e.getKey()) || v == null || v.isEmpty()) continue;
            out = out.replace(v, MASK);
            for (String word : v.split("[\\s=\"';]+")) {
                if (word.length() >= 3 && !JAAS_WORDS.contains(word) && !word.endsWith("LoginModule")) {
                    out = out.replace(word, MASK);
                }
            }
        }
        return out;
    }

    private static final java.util.Set<String> JAAS_WORDS = java.util.Set.of(
            "required", "requisite", "sufficient", "optional", "username", "password");

    static Properties build(KafkaOutputConfig c) {
        Properties p = new Properties();
        p.putAll(DEFAULTS);
        p.put("retry.backoff.ms", Long.toString(Math.max(1, c.retry().initialBackoff().toMillis())));
        p.put("retry.backoff.max.ms", Long.toString(Math.max(1, c.retry().maxBackoff().toMillis())));
        c.producer().forEach((k, v) -> { if (v != null) p.put(k, v); });
        if (!c.producer().containsKey("buffer.memory")) p.put("buffer.memory", Long.toString(bufferMemory(c)));
        p.put("bootstrap.servers", String.join(",", c.brokers()));
        p.put("compression.type", c.compression());
        p.put("acks", c.acks());
        p.put("enable.idempotence", Boolean.toString(c.idempotence()));
        return p;
    }

    /**
     * The producer's {@code buffer.memory} unless set: the producer holds one of the output's batches at a time
     * (it flushes each), so twice {@code batch.max_bytes} (8 MiB by default), and at least {@code max.request.size}
     * (a record that size must fit). The client's default, 32 MiB, is 40% of the launcher's 80 MiB heap, kept as
     * pooled buffers once used.
     */
    static long bufferMemory(KafkaOutputConfig c) {
        long maxRequest = 1024 * 1024;
        try {
            String v = c.producer().get("max.request.size");
            if (v != null) maxRequest = Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            // reported by validate
        }
        return Math.max(2 * c.batch().maxBytes().bytes(), maxRequest);
    }

    /** Problems with the {@code producer:} map, paths relative to the output. */
    static List<ConfigProblem> validate(KafkaOutputConfig c) {
        List<ConfigProblem> problems = new ArrayList<>();
        for (Map.Entry<String, String> e : c.producer().entrySet()) {
            String k = e.getKey();
            String why = OWNED.get(k);
            if (why != null) problems.add(new ConfigProblem("producer." + k, why));
            else if (e.getValue() == null) problems.add(new ConfigProblem("producer." + k, "has no value"));
        }
        Map<String, String> merged = new LinkedHashMap<>(DEFAULTS);
        c.producer().forEach((k, v) -> { if (v != null) merged.put(k, v); });
        Long linger = number(merged, "linger.ms", problems);
        Long request = number(merged, "request.timeout.ms", problems);
        Long delivery = number(merged, "delivery.timeout.ms", problems);
        number(merged, "batch.size", problems);
        number(merged, "max.block.ms", problems);
        for (String key : List.of("max.request.size", "retry.backoff.ms", "retry.backoff.max.ms", "metadata.max.age.ms",
                "socket.connection.setup.timeout.ms")) {
            number(merged, key, problems);
        }
        Long inFlight = number(merged, "max.in.flight.requests.per.connection", problems);
        if (inFlight != null && inFlight < 1) {
            problems.add(new ConfigProblem("producer.max.in.flight.requests.per.connection", "must be at least 1, got " + inFlight));
        }
        for (String type : List.of("gzip", "lz4", "zstd")) {
            String key = "compression." + type + ".level";
            String v = merged.get(key);
            if (v == null) continue;
            try {
                Integer.parseInt(v.strip());
                ConfigDef.ConfigKey def = ProducerConfig.configDef().configKeys().get(key);
                // the client's own range check, now instead of when the producer starts
                if (def != null && def.validator != null) def.validator.ensureValid(key, Integer.valueOf(v.strip()));
            } catch (NumberFormatException e) {
                problems.add(new ConfigProblem("producer." + key, "\"" + v + "\" is not a whole number"));
            } catch (ConfigException e) {
                problems.add(new ConfigProblem("producer." + key, e.getMessage()));
            }
        }
        for (String key : List.of("send.buffer.bytes", "receive.buffer.bytes")) { // -1: the OS default
            String v = merged.get(key);
            if (v == null) continue;
            try {
                if (Long.parseLong(v.strip()) < -1) problems.add(new ConfigProblem("producer." + key, "must be -1 (the OS default) or more, got " + v));
            } catch (NumberFormatException e) {
                problems.add(new ConfigProblem("producer." + key, "\"" + v + "\" is not a whole number"));
            }
        }
        if (linger != null && request != null && delivery != null && delivery < linger + request) {
            problems.add(new ConfigProblem("producer.delivery.timeout.ms", "must be at least linger.ms + request.timeout.ms ("
                    + (linger + request) + "), got " + delivery));
        }
        return problems;
    }

    private static Long number(Map<String, String> props, String key, List<ConfigProblem> problems) {
        String v = props.get(key);
        if (v == null) return null;
        try {
            long n = Long.parseLong(v.strip());
            if (n < 0) {
                problems.add(new ConfigProblem("producer." + key, "must not be negative, got " + n));
                return null;
            }
            return n;
        } catch (NumberFormatException e) {
            problems.add(new ConfigProblem("producer." + key, "\"" + v + "\" is not a whole number"));
            return null;
        }
    }
}
