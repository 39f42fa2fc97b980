import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What KafkaProducer costs per record, without the agent: 2M pre-encoded JSON values (the agent's shape for a JSON
 * line, ~560 bytes) in batches of 7,500, three rounds, printing the process CPU per million records. Each record is
 * sent without a callback (acks=all, idempotent, LZ4, 512 KiB batches) and each batch flushed, then its futures read,
 * as the Kafka output does.
 *   bench/kafka/producer-cost.sh [BOOTSTRAP]     (a broker: bench/kafka-broker.sh start 19092)
 */
public class ProducerCost {
    static final int N = 2_000_000, BATCH = 7_500;

    static double cpuSeconds() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("org.apache.kafka").setLevel(java.util.logging.Level.WARNING); // no config dump
        byte[][] values = new byte[65536][];
        Random rnd = new Random(42);
        for (int i = 0; i < values.length; i++) {
            String line = "{\\\"time\\\":\\\"2026-11-27T05:00:01.001Z\\\",\\\"level\\\":\\\"WARN\\\",\\\"logger\\\":\\\"com.example.checkout.Service\\\","
                    + "\\\"msg\\\":\\\"order processed for customer\\\",\\\"order_id\\\":" + (1000 + i) + ",\\\"duration_ms\\\":" + (i % 997)
                    + ",\\\"trace\\\":\\\"" + Long.toHexString(rnd.nextLong()) + "\\\",\\\"region\\\":\\\"eu-west-1\\\"}";
            values[i] = ("{\"@timestamp\":\"2026-11-27T14:37:42.582236372Z\",\"message\":\"" + line + "\",\"time\":\"2026-11-27T05:00:01.001Z\","
                    + "\"level\":\"WARN\",\"logger\":\"com.example.checkout.Service\",\"msg\":\"order processed for customer\",\"order_id\":"
                    + (1000 + i) + ",\"duration_ms\":" + (i % 997) + ",\"trace\":\"" + Long.toHexString(rnd.nextLong())
                    + "\",\"region\":\"eu-west-1\",\"log\":{\"file\":{\"path\":\"/var/log/app/app.log\"},\"offset\":" + (i * 212L) + "}}")
                    .getBytes(StandardCharsets.UTF_8);
        }
        String bootstrap = args.length > 0 ? args[0] : "127.0.0.1:19092";
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("compression.type", "lz4");
        p.put("linger.ms", "10");
        p.put("batch.size", "524288");
        p.put("buffer.memory", Integer.toString(8 << 20));
        p.put("metric.reporters", "");
        @SuppressWarnings("unchecked")
        Future<RecordMetadata>[] sent = new Future[BATCH];
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int round = 1; round <= 3; round++) {
                double c0 = cpuSeconds();
                long acked = 0;
                for (int b = 0; b < N / BATCH; b++) {
                    for (int i = 0; i < BATCH; i++) {
                        sent[i] = producer.send(new ProducerRecord<>("producer-cost", values[(b * BATCH + i) & 65535]));
                    }
                    producer.flush();
                    for (Future<RecordMetadata> f : sent) {
                        try {
                            f.get();
                            acked++;
                        } catch (ExecutionException e) {
                            // not acknowledged
                        }
                    }
                }
                System.out.printf("producer, round %d: %.2f CPU-s per M records (%d acknowledged)%n", round,
                        (cpuSeconds() - c0) / (N / 1e6), acked);
            }
        }
    }
}
