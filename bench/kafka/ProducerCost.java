import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What the Kafka client costs per record, without the agent: 2M pre-encoded JSON values (the agent's shape for the
 * bench's lines, ~560 bytes) in batches of 7,500, three rounds, printing the process CPU per million records.
 * {@code producer}: KafkaProducer.send each (acks=all, idempotent, LZ4, linger 10 ms, 512 KiB batches) and flush
 * each batch, as the Kafka output does; {@code builder}: the same LZ4 record batches built with the client's
 * MemoryRecordsBuilder alone, no producer, no network (the floor for any producer).
 *   bench/kafka/producer-cost.sh builder|producer [BOOTSTRAP]
 */
public class ProducerCost {
    static final int N = 2_000_000, BATCH = 7_500;

    static double cpuSeconds() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    public static void main(String[] args) throws Exception {
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
        if (args[0].equals("builder")) {
            for (int round = 1; round <= 3; round++) {
                double c0 = cpuSeconds();
                long compressed = 0;
                for (int b = 0; b < N / BATCH; b++) {
                    MemoryRecordsBuilder m = MemoryRecords.builder(ByteBuffer.allocate(1 << 20), Compression.lz4().build(),
                            TimestampType.CREATE_TIME, 0L);
                    long now = System.currentTimeMillis();
                    for (int i = 0; i < BATCH; i++) m.append(now, null, values[(b * BATCH + i) & 65535]);
                    compressed += m.build().sizeInBytes();
                }
                System.out.printf("builder, round %d: %.2f CPU-s per M records, %d MiB after LZ4%n", round,
                        (cpuSeconds() - c0) / (N / 1e6), compressed >> 20);
            }
            return;
        }
        Properties p = new Properties();
        p.put("bootstrap.servers", args.length > 1 ? args[1] : "127.0.0.1:19092");
        p.put("compression.type", "lz4");
        p.put("linger.ms", "10");
        p.put("batch.size", "524288");
        p.put("metric.reporters", "");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int round = 1; round <= 3; round++) {
                double c0 = cpuSeconds();
                AtomicLong acked = new AtomicLong();
                for (int b = 0; b < N / BATCH; b++) {
                    for (int i = 0; i < BATCH; i++) {
                        producer.send(new ProducerRecord<>("producer-cost", values[(b * BATCH + i) & 65535]), (md, e) -> {
                            if (e == null) acked.incrementAndGet();
                        });
                    }
                    producer.flush();
                }
                System.out.printf("producer, round %d: %.2f CPU-s per M records (%d acknowledged)%n", round,
                        (cpuSeconds() - c0) / (N / 1e6), acked.get());
            }
        }
    }
}
