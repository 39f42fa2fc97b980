package io.outrigger.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The AOT training's stand-in broker answers a real KafkaProducer (idempotent, acks=all, compressed) as a broker does. */
class TrainingKafkaTest {

    @Test
    void aRealProducerSendsAndEveryRecordIsAcknowledgedInOrder() throws Exception {
        try (TrainingKafka kafka = new TrainingKafka()) {
            Properties p = new Properties();
            p.put("bootstrap.servers", kafka.address());
            p.put("acks", "all");
            p.put("enable.idempotence", "true");
            p.put("compression.type", "lz4");
            p.put("linger.ms", "5");
            p.put("batch.size", "4096"); // several produce requests
            p.put("max.block.ms", "10000");
            p.put("metric.reporters", "");
            List<Exception> failures = new CopyOnWriteArrayList<>();
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < 2000; i++) {
                    byte[] value = ("{\"n\":" + i + ",\"msg\":\"order processed\"}").getBytes(StandardCharsets.UTF_8);
                    sent.add(producer.send(new ProducerRecord<>("training", value), (m, e) -> { if (e != null) failures.add(e); }));
                }
                producer.flush();
            }
            assertEquals(List.of(), failures);
            for (int i = 0; i < sent.size(); i++) {
                RecordMetadata m = sent.get(i).get();
                assertEquals("training", m.topic());
                assertEquals(i, m.offset(), "offsets follow the order sent");
            }
            assertEquals(2000, kafka.records());
        }
    }
}
