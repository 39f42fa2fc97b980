package io.outrigger.outputs.kafka;

import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.OutputFactory;
import io.outrigger.core.pipeline.Reason;
import io.prometheus.metrics.core.metrics.Counter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** {@code type: kafka}: writes records to a Kafka topic (see {@link KafkaOutputConfig} for the YAML). */
public final class KafkaOutputFactory implements OutputFactory<KafkaOutputConfig> {

    static final String INVALID_METRIC = "outrigger_output_kafka_records_invalid_total";
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    @Override public String type() { return "kafka"; }

    @Override public Class<KafkaOutputConfig> configType() { return KafkaOutputConfig.class; }

    @Override
    public List<ConfigProblem> validate(KafkaOutputConfig c) {
        List<ConfigProblem> p = new ArrayList<>(c.validateShared());
        if (c.brokers().isEmpty()) {
            p.add(new ConfigProblem("brokers", "at least one broker is needed, e.g. [kafka:9092]"));
        }
        for (int i = 0; i < c.brokers().size(); i++) {
            String why = checkBroker(c.brokers().get(i));
            if (why != null) p.add(new ConfigProblem("brokers[" + i + "]", why));
        }
        if (c.topic() == null || c.topic().isBlank()) {
            p.add(new ConfigProblem("topic", "missing: the topic to write to, e.g. logs or logs-{{app}}"));
        } else {
            try {
                TopicTemplate.parse(c.topic());
            } catch (IllegalArgumentException e) {
                p.add(new ConfigProblem("topic", e.getMessage()));
            }
        }
        if (c.key() != null && c.key().isBlank()) p.add(new ConfigProblem("key", "must name a field, or be left out"));
        for (Map.Entry<String, String> h : c.headers().entrySet()) {
            if (h.getKey() == null || h.getKey().isBlank()) p.add(new ConfigProblem("headers", "a header name is empty"));
            else if (h.getValue() == null || h.getValue().isBlank()) {
                p.add(new ConfigProblem("headers." + h.getKey(), "must name the field whose value the header carries"));
            }
        }
        if (!KafkaOutputConfig.FORMATS.contains(c.format())) {
            p.add(new ConfigProblem("format", oneOf(c.format(), KafkaOutputConfig.FORMATS)));
        }
        if (!KafkaOutputConfig.COMPRESSIONS.contains(c.compression())) {
            p.add(new ConfigProblem("compression", oneOf(c.compression(), KafkaOutputConfig.COMPRESSIONS)));
        }
        boolean acksAll = c.acks().equals("all") || c.acks().equals("-1");
        if (!KafkaOutputConfig.ACKS.contains(c.acks())) {
            p.add(new ConfigProblem("acks", oneOf(c.acks(), List.of("all", "1", "0"))));
        } else if (c.idempotence() && !acksAll) {
            p.add(new ConfigProblem("idempotence", "needs acks: all (got acks: " + c.acks() + "); set idempotence: false"));
        }
        p.addAll(ProducerProperties.validate(c));
        return p;
    }

    private static String oneOf(String value, List<String> allowed) {
        return "\"" + value + "\" is not one of " + String.join(", ", allowed);
    }

    /** Null when {@code s} is host:port (IPv6 in brackets), else what is wrong. */
    static String checkBroker(String s) {
        if (s == null || s.isBlank()) return "is empty (expected host:port, e.g. kafka:9092)";
        String bad = "\"" + s + "\" is not host:port";
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) return bad;
        String host = s.substring(0, colon);
        if (host.startsWith("[") != host.endsWith("]")) return bad;
        if (!host.startsWith("[") && host.indexOf(':') >= 0) return bad + " (write IPv6 addresses as [::1]:9092)";
        if (host.contains("/") || host.isBlank() || host.contains(" ")) return bad;
        try {
            int port = Integer.parseInt(s.substring(colon + 1));
            if (port < 1 || port > 65535) return "port " + port + " in \"" + s + "\" is not between 1 and 65535";
        } catch (NumberFormatException e) {
            return bad;
        }
        return null;
    }

    @Override
    public Output create(KafkaOutputConfig c, ComponentContext context) {
        KafkaOutput.ProducerSource source = () -> newProducer(c, context.name());
        // KafkaProducer refuses to start when no bootstrap address resolves; a sidecar may start before DNS knows
        // the Kafka service, so then the output starts without a producer and makes it on a later send.
        Producer<byte[], byte[]> producer = anyResolves(c.brokers()) ? source.create() : null;
        return create(c, context, producer, source);
    }

    private static Producer<byte[], byte[]> newProducer(KafkaOutputConfig c, String name) {
        Properties props = ProducerProperties.build(c);
        try {
            return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        } catch (KafkaException e) {
            StringBuilder why = new StringBuilder(String.valueOf(e.getMessage()));
            for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) why.append(": ").append(t.getMessage());
            throw new IllegalArgumentException("outputs." + name + ": cannot create the Kafka producer: "
                    + ProducerProperties.scrub(why.toString(), c.producer()));
        }
    }

    /** The host of a {@code host:port} broker address, without an IPv6 address's brackets. */
    static String host(String broker) {
        int colon = broker.lastIndexOf(':');
        String host = colon > 0 ? broker.substring(0, colon) : broker;
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    static boolean anyResolves(List<String> brokers) {
        for (String b : brokers) {
            try {
                InetAddress.getAllByName(host(b));
                return true;
            } catch (UnknownHostException | SecurityException e) {
                // try the next one
            }
        }
        return false;
    }

    /** With a given producer, or null to make one with {@code source} on a later send (tests use MockProducer). */
    static KafkaOutput create(KafkaOutputConfig c, ComponentContext context, Producer<byte[], byte[]> producer,
                              KafkaOutput.ProducerSource source) {
        return new KafkaOutput(context.name(), producer, source, newExecutor(context.name()),
                () -> RecordEncoder.of(c), invalidCounter(context), CLOSE_TIMEOUT, valueReuseAllowed(c),
                // the producer's own retries (it retries retriable broker errors within delivery.timeout.ms)
                context.metrics().counter("outrigger_output_retries_total", "Batches or records scheduled for another try, by reason",
                        "output", "reason").labelValues(context.name(), Reason.SERVER_ERROR.label()));
    }

    private static Counter invalidCounter(ComponentContext context) {
        return context.metrics().counter(INVALID_METRIC,
                "Records the Kafka output could not turn into a Kafka record (sent to dead letters)", "output", "reason");
    }

    /**
     * Whether encoders may hand the producer a kept value array (see {@code RecordEncoder.encode(record, true)}):
     * not when an interceptor or a custom partitioner sees the records, as either could keep one after send().
     */
    static boolean valueReuseAllowed(KafkaOutputConfig c) {
        return !c.producer().containsKey("interceptor.classes") && !c.producer().containsKey("partitioner.class");
    }

    /** The output's one sending thread (see {@link KafkaOutput} for why one); batches queue in front of it. */
    private static ThreadPoolExecutor newExecutor(String name) {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "outrigger-kafka-" + name);
            t.setDaemon(true);
            return t;
        });
    }
}
