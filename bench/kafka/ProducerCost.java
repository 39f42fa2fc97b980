import com.sun.management.OperatingSystemMXBean;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What the Kafka client costs per record, without the agent: 2M pre-encoded JSON values (the agent's shape for the
 * bench's lines, ~560 bytes) in batches of 7,500, three rounds, printing the process CPU per million records.
 * {@code producer}: KafkaProducer.send each (acks=all, idempotent, LZ4, linger 10 ms, 512 KiB batches) and flush
 * each batch, as the Kafka output does; {@code builder}: the same LZ4 record batches built with the client's
 * MemoryRecordsBuilder alone, no producer, no network (the floor for any producer); {@code wire}: those batches,
 * idempotent (producer id, epoch, sequences from InitProducerId), each sent as one ProduceRequest (acks=all) over a
 * plain socket to the broker, serialised with the client's message classes, and its answer awaited: what a
 * batch-native output would cost, without its metadata handling, retries or TLS.
 *   bench/kafka/producer-cost.sh builder|producer|wire [BOOTSTRAP]
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
        String bootstrap = args.length > 1 ? args[1] : "127.0.0.1:19092";
        if (args[0].equals("wire")) {
            wire(values, bootstrap);
            return;
        }
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
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

    /** One connection speaking the Kafka protocol with the client's message classes; one request at a time. */
    static final class Wire implements AutoCloseable {
        final Socket socket;
        final DataOutputStream out;
        final DataInputStream in;
        int correlation;

        Wire(String hostPort) throws IOException {
            int colon = hostPort.lastIndexOf(':');
            socket = new Socket(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
            socket.setTcpNoDelay(true);
            out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
            in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
        }

        /** Sends {@code body} and returns the answer's body (after its header). */
        ByteBuffer call(ApiKeys key, short version, Message body) throws IOException {
            RequestHeader h = new RequestHeader(key, version, "producer-cost", ++correlation);
            ByteBuffer head = MessageUtil.toByteBufferAccessor(h.data(), key.requestHeaderVersion(version)).buffer();
            ByteBuffer payload = MessageUtil.toByteBufferAccessor(body, version).buffer();
            out.writeInt(head.remaining() + payload.remaining());
            out.write(head.array(), head.arrayOffset() + head.position(), head.remaining());
            out.write(payload.array(), payload.arrayOffset() + payload.position(), payload.remaining());
            out.flush();
            byte[] answer = new byte[in.readInt()];
            in.readFully(answer);
            ByteBuffer b = ByteBuffer.wrap(answer);
            ResponseHeader.parse(b, key.responseHeaderVersion(version));
            return b;
        }

        @Override public void close() throws IOException { socket.close(); }
    }

    static void wire(byte[][] values, String bootstrap) throws Exception {
        String topic = "producer-cost";
        short produceVersion = 12; // the last with topic names (13 sends topic ids)
        try (Wire w = new Wire(bootstrap)) {
            short mv = 12;
            MetadataResponseData md = new MetadataResponseData(new ByteBufferAccessor(w.call(ApiKeys.METADATA, mv,
                    new MetadataRequestData().setAllowAutoTopicCreation(true)
                            .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName(topic))))), mv);
            System.out.println("metadata: " + md.topics().find(topic).partitions().size() + " partition(s)");
            short iv = 4; // the later versions add two-phase commit, not enabled on every broker
            InitProducerIdResponseData pid = new InitProducerIdResponseData(new ByteBufferAccessor(w.call(ApiKeys.INIT_PRODUCER_ID, iv,
                    new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(-1))), iv);
            int sequence = 0;
            for (int round = 1; round <= 3; round++) {
                double c0 = cpuSeconds();
                long acked = 0;
                for (int b = 0; b < N / BATCH; b++) {
                    MemoryRecordsBuilder m = MemoryRecords.builder(ByteBuffer.allocate(1 << 20), RecordBatch.CURRENT_MAGIC_VALUE,
                            Compression.lz4().build(), TimestampType.CREATE_TIME, 0L, RecordBatch.NO_TIMESTAMP, pid.producerId(),
                            pid.producerEpoch(), sequence, false, RecordBatch.NO_PARTITION_LEADER_EPOCH);
                    long now = System.currentTimeMillis();
                    for (int i = 0; i < BATCH; i++) m.append(now, null, values[(b * BATCH + i) & 65535]);
                    ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
                    topics.add(new ProduceRequestData.TopicProduceData().setName(topic).setPartitionData(List.of(
                            new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(m.build()))));
                    ProduceResponseData r = new ProduceResponseData(new ByteBufferAccessor(w.call(ApiKeys.PRODUCE, produceVersion,
                            new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000).setTopicData(topics))), produceVersion);
                    for (ProduceResponseData.TopicProduceResponse t : r.responses()) {
                        for (ProduceResponseData.PartitionProduceResponse pr : t.partitionResponses()) {
                            if (pr.errorCode() != 0) throw new IllegalStateException("produce error " + pr.errorCode() + ": " + pr.errorMessage());
                        }
                    }
                    sequence += BATCH;
                    acked += BATCH;
                }
                System.out.printf("wire, round %d: %.2f CPU-s per M records (%d acknowledged)%n", round,
                        (cpuSeconds() - c0) / (N / 1e6), acked);
            }
        }
    }
}
