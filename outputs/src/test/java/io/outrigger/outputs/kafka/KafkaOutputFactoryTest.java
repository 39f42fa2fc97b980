package io.outrigger.outputs.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.config.ConfigModule;
import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.OutputFactory;
import io.outrigger.core.telemetry.Metrics;
import java.lang.management.ManagementFactory;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class KafkaOutputFactoryTest {

    private static final ObjectMapper MAPPER = ConfigModule.newMapper();
    private final KafkaOutputFactory factory = new KafkaOutputFactory();

    private static KafkaOutputConfig bind(String json) throws Exception {
        return MAPPER.readValue(json, KafkaOutputConfig.class);
    }

    private List<String> problems(String json) throws Exception {
        return factory.validate(bind(json)).stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void registeredUnderTypeKafka() {
        boolean found = ServiceLoader.load(OutputFactory.class).stream()
                .anyMatch(p -> p.type() == KafkaOutputFactory.class);
        assertTrue(found);
        assertEquals("kafka", factory.type());
        assertEquals(KafkaOutputConfig.class, factory.configType());
    }

    @Test
    void bindsSnakeCaseYamlShapeWithDefaults() throws Exception {
        KafkaOutputConfig c = bind("""
                {"brokers":["k1:9092","[::1]:9093"],"topic":"logs-{{app}}","key":"pod","headers":{"x-app":"app"},
                 "producer":{"linger.ms":20,"security.protocol":"SASL_SSL"},"batch":{"max_records":500},"concurrency":3}""");
        assertEquals(List.of("k1:9092", "[::1]:9093"), c.brokers());
        assertEquals("json", c.format());
        assertEquals("lz4", c.compression());
        assertEquals("all", c.acks());
        assertTrue(c.idempotence());
        assertEquals("20", c.producer().get("linger.ms"));
        assertEquals(500, c.batch().maxRecords());
        assertEquals(3, c.concurrency());
        assertEquals(List.of(), factory.validate(c));
        assertThrows(Exception.class, () -> bind("{\"brokers\":[\"k:1\"],\"topic\":\"t\",\"compresion\":\"lz4\"}"));
    }

    @Test
    void defaultsDeriveIdempotenceFromAcks() {
        KafkaOutputConfig c = new KafkaOutputConfig(List.of("k:9092"), "t", null, null, null, null, "1", null, null,
                null, null, null);
        assertFalse(c.idempotence());
        assertEquals(List.of(), factory.validate(c));
    }

    @Test
    void reportsEveryProblemWithItsPath() throws Exception {
        List<String> p = problems("""
                {"brokers":["localhost","k:99999","k:9092",""],"topic":"logs-{{app","format":"xml","compression":"brotli",
                 "acks":"2","key":" ","headers":{"x-app":""},
                 "producer":{"key.serializer":"x","bootstrap.servers":"k:1","compression.type":"gzip","linger.ms":"soon",
                             "compression.zstd.level":"99","compression.gzip.level":"max"},
                 "concurrency":0}""");
        assertEquals(List.of(
                "concurrency: must be at least 1, got 0",
                "brokers[0]: \"localhost\" is not host:port",
                "brokers[1]: port 99999 in \"k:99999\" is not between 1 and 65535",
                "brokers[3]: is empty (expected host:port, e.g. kafka:9092)",
                "topic: unclosed \"{{\" at position 5 in \"logs-{{app\"",
                "key: must name a field, or be left out",
                "headers.x-app: must name the field whose value the header carries",
                "format: \"xml\" is not one of json, raw",
                "compression: \"brotli\" is not one of none, gzip, snappy, lz4, zstd",
                "acks: \"2\" is not one of all, 1, 0",
                "producer.key.serializer: set by the output (records are sent as bytes); remove it",
                "producer.bootstrap.servers: use brokers instead",
                "producer.compression.type: use compression instead",
                "producer.linger.ms: \"soon\" is not a whole number",
                "producer.compression.gzip.level: \"max\" is not a whole number",
                "producer.compression.zstd.level: Invalid value 99 for configuration compression.zstd.level: Value must be no more than 22"), p);
    }

    @Test
    void missingBrokersAndTopic() throws Exception {
        assertEquals(List.of("brokers: at least one broker is needed, e.g. [kafka:9092]",
                "topic: missing: the topic to write to, e.g. logs or logs-{{app}}"), problems("{}"));
    }

    @Test
    void idempotenceNeedsAcksAll() throws Exception {
        assertEquals(List.of("idempotence: needs acks: all (got acks: 1); set idempotence: false"),
                problems("{\"brokers\":[\"k:9092\"],\"topic\":\"t\",\"acks\":\"1\",\"idempotence\":true}"));
    }

    @Test
    void deliveryTimeoutMustCoverLingerAndRequestTimeout() throws Exception {
        assertEquals(List.of("producer.delivery.timeout.ms: must be at least linger.ms + request.timeout.ms (10010), got 5000"),
                problems("{\"brokers\":[\"k:9092\"],\"topic\":\"t\",\"producer\":{\"delivery.timeout.ms\":5000}}"));
    }

    @Test
    void producerPropertiesLayerDefaultsUserMapAndOwnKeys() throws Exception {
        Properties p = ProducerProperties.build(bind("""
                {"brokers":["a:1","b:2"],"topic":"t","compression":"zstd","producer":{"linger.ms":"50","max.block.ms":"1000"}}"""));
        assertEquals("a:1,b:2", p.get("bootstrap.servers"));
        assertEquals("zstd", p.get("compression.type"));
        assertEquals("all", p.get("acks"));
        assertEquals("true", p.get("enable.idempotence"));
        assertEquals("50", p.get("linger.ms"));
        assertEquals("1000", p.get("max.block.ms"));
        assertEquals("524288", p.get("batch.size"));
        assertEquals("30000", p.get("delivery.timeout.ms"));
        assertEquals("", p.get("metric.reporters"));
        assertEquals(Long.toString(8L << 20), p.get("buffer.memory"), "twice the batch's 4MiB");
        assertEquals(Long.toString(2L << 20), ProducerProperties.build(bind("""
                {"brokers":["a:1"],"topic":"t","batch":{"max_bytes":"256KiB"},"producer":{"max.request.size":"2097152"}}""")).get("buffer.memory"),
                "at least max.request.size");
        assertEquals("1000000", ProducerProperties.build(bind("""
                {"brokers":["a:1"],"topic":"t","producer":{"buffer.memory":"1000000"}}""")).get("buffer.memory"), "the user's own");
    }

    @Test
    void theProducersOwnRetriesWaitAsTheOutputsRetrySettingsSay() throws Exception {
        Properties p = ProducerProperties.build(bind("""
                {"brokers":["a:1"],"topic":"t","retry":{"initial_backoff":"2s","max_backoff":"1m"}}"""));
        assertEquals("2000", p.get("retry.backoff.ms"));
        assertEquals("60000", p.get("retry.backoff.max.ms"));
        Properties own = ProducerProperties.build(bind("""
                {"brokers":["a:1"],"topic":"t","producer":{"retry.backoff.ms":"5"}}"""));
        assertEquals("5", own.get("retry.backoff.ms"), "a producer: value still wins");
    }

    @Test
    void secretProducerValuesNeverShow() throws Exception {
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"hunter2\";";
        KafkaOutputConfig c = new KafkaOutputConfig(List.of("k:9092"), "t", null, null, null, null, null, null,
                Map.of("sasl.jaas.config", jaas, "ssl.truststore.password", "tspw-secret", "ssl.key.password", "kpw",
                        "sasl.oauthbearer.client.credentials.client.secret", "cs", "security.protocol", "SASL_SSL",
                        "ssl.keystore.key", "-----BEGIN PRIVATE KEY-----"),
                null, null, null);
        String s = c.toString();
        for (String secret : List.of("hunter2", "tspw-secret", "kpw", "=cs", "PRIVATE KEY")) {
            assertFalse(s.contains(secret), secret + " leaked in " + s);
        }
        assertTrue(s.contains("security.protocol=SASL_SSL"), s);
        assertTrue(s.contains("sasl.jaas.config=******"), s);
        assertEquals("bad value ****** for x", ProducerProperties.scrub("bad value " + jaas + " for x", c.producer()));
        // core's mapper only binds configs (it has no Duration writer), so write with time handlers relaxed
        String json = MAPPER.copy().disable(com.fasterxml.jackson.databind.MapperFeature.REQUIRE_HANDLERS_FOR_JAVA8_TIMES)
                .writeValueAsString(c);
        for (String secret : List.of("hunter2", "tspw-secret", "kpw", "\"cs\"", "PRIVATE KEY")) {
            assertFalse(json.contains(secret), secret + " leaked in " + json);
        }
        assertTrue(json.contains("\"security.protocol\":\"SASL_SSL\""), json);
        assertFalse(ProducerProperties.isSecret("ssl.truststore.location"));
        assertTrue(ProducerProperties.isSecret("ssl.keystore.password"));
    }

    @Test
    void createFailureDoesNotLeakSecrets() {
        KafkaOutputConfig c = new KafkaOutputConfig(List.of("127.0.0.1:9092"), "t", null, null, null, null, null, null,
                Map.of("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule hunter2 username=\"u\";", "security.protocol", "SASL_PLAINTEXT",
                        "sasl.mechanism", "PLAIN"),
                null, null, null);
        ComponentContext ctx = new ComponentContext("k", Metrics.newIsolated(), InstantSource.system(), null, null,
                CheckpointStore.inMemory(), Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> factory.create(c, ctx));
        assertTrue(e.getMessage().startsWith("outputs.k: cannot create the Kafka producer"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertTrue(e.getMessage().contains("******"), e.getMessage());
    }

    @Test
    void producerRegistersNoJmxMetricsUnlessAsked() throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        ObjectName metrics = new ObjectName("kafka.producer:type=producer-metrics,client-id=*");
        ComponentContext ctx = new ComponentContext("k", Metrics.newIsolated(), InstantSource.system(), null, null,
                CheckpointStore.inMemory(), Map.of());
        // the address resolves, so the producer is made now (nothing listens there: it never connects)
        var quiet = factory.create(new KafkaOutputConfig(List.of("127.0.0.1:1"), "t", null, null, null, null, null, null,
                Map.of("client.id", "quiet"), null, null, null), ctx);
        try {
            assertEquals(Set.of(), jmx.queryNames(metrics, null));
        } finally {
            quiet.close();
        }
        var jmxOn = factory.create(new KafkaOutputConfig(List.of("127.0.0.1:1"), "t", null, null, null, null, null, null,
                Map.of("client.id", "loud", "metric.reporters", "org.apache.kafka.common.metrics.JmxReporter"),
                null, null, null), ctx);
        try {
            assertEquals(Set.of(new ObjectName("kafka.producer:type=producer-metrics,client-id=loud")), jmx.queryNames(metrics, null));
        } finally {
            jmxOn.close();
        }
    }

    @Test
    void valueArraysAreReusedOnlyWhenNoInterceptorOrPartitionerSeesTheRecords() {
        assertTrue(KafkaOutputFactory.valueReuseAllowed(KafkaOutputConfig.of(List.of("k:9092"), "t")));
        assertFalse(KafkaOutputFactory.valueReuseAllowed(withProducer(Map.of("interceptor.classes", "com.example.Tracer"))));
        assertFalse(KafkaOutputFactory.valueReuseAllowed(withProducer(Map.of("partitioner.class", "com.example.ByHost"))));
        assertTrue(KafkaOutputFactory.valueReuseAllowed(withProducer(Map.of("linger.ms", "20"))));
    }

    private static KafkaOutputConfig withProducer(Map<String, String> producer) {
        return new KafkaOutputConfig(List.of("k:9092"), "t", null, null, null, null, null, null, producer, null, null, null);
    }
}
