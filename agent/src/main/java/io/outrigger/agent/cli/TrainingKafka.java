package io.outrigger.agent.cli;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * A stand-in for one Kafka broker on loopback, for the AOT training run only: it answers the four requests the
 * Kafka output makes to send (ApiVersions, Metadata, InitProducerId, Produce), whether its direct sender or a
 * KafkaProducer makes them, as a single broker with one partition per topic does, so the training goes through the
 * output's whole send path and the cache holds its classes. The training's output uses the direct sender (the
 * default), so a config that needs KafkaProducer (SASL, TLS) loads the producer's classes at start, not from the
 * cache: caching them too would load them for every Kafka config.
 * It counts the records produced and keeps nothing. Any other request closes the connection.
 */
final class TrainingKafka implements AutoCloseable {

    private static final int NODE = 0;
    private final ServerSocket server;
    private final AtomicLong records = new AtomicLong();
    private final List<Socket> connections = new ArrayList<>();
    private final Thread acceptor;

    TrainingKafka() throws IOException {
        server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "outrigger-aot-train-kafka");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** host:port to give the producer. */
    String address() { return "127.0.0.1:" + server.getLocalPort(); }

    /** Records the producers sent so far (each acknowledged). */
    long records() { return records.get(); }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                synchronized (connections) {
                    connections.add(s);
                }
                Thread t = new Thread(() -> serve(s), "outrigger-aot-train-kafka-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (s; DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()))) {
            while (true) {
                int size = in.readInt();
                if (size < 0 || size > 64 << 20) return;
                byte[] frame = new byte[size];
                in.readFully(frame);
                ByteBuffer buf = ByteBuffer.wrap(frame);
                RequestHeader header = RequestHeader.parse(buf);
                short version = header.apiVersion();
                ByteBufferAccessor body = new ByteBufferAccessor(buf);
                ApiMessage answer;
                switch (header.apiKey()) {
                    case API_VERSIONS -> answer = apiVersions();
                    case METADATA -> answer = metadata(new MetadataRequestData(body, version));
                    case INIT_PRODUCER_ID -> answer = new InitProducerIdResponseData().setProducerId(1).setProducerEpoch((short) 0);
                    case PRODUCE -> {
                        ProduceRequestData produce = new ProduceRequestData(body, version);
                        answer = produce(produce);
                        if (produce.acks() == 0) continue; // no answer to acks=0
                    }
                    default -> { return; }
                }
                write(out, header, answer);
            }
        } catch (EOFException e) {
            // the producer closed the connection
        } catch (IOException | RuntimeException e) {
            System.getLogger(TrainingKafka.class.getName()).log(System.Logger.Level.DEBUG, "training kafka connection: " + e);
        }
    }

    private static ApiVersionsResponseData apiVersions() {
        ApiVersionsResponseData.ApiVersionCollection apis = new ApiVersionsResponseData.ApiVersionCollection();
        for (ApiKeys key : List.of(ApiKeys.API_VERSIONS, ApiKeys.METADATA, ApiKeys.INIT_PRODUCER_ID, ApiKeys.PRODUCE)) {
            apis.add(ApiVersionsResponse.toApiVersion(key));
        }
        return new ApiVersionsResponseData().setApiKeys(apis);
    }

    private MetadataResponseData metadata(MetadataRequestData request) {
        MetadataResponseData.MetadataResponseBrokerCollection brokers = new MetadataResponseData.MetadataResponseBrokerCollection();
        brokers.add(new MetadataResponseData.MetadataResponseBroker().setNodeId(NODE).setHost("127.0.0.1").setPort(server.getLocalPort()));
        MetadataResponseData.MetadataResponseTopicCollection topics = new MetadataResponseData.MetadataResponseTopicCollection();
        if (request.topics() != null) {
            for (MetadataRequestData.MetadataRequestTopic t : request.topics()) {
                if (t.name() == null) continue;
                topics.add(new MetadataResponseData.MetadataResponseTopic().setName(t.name()).setTopicId(topicId(t.name()))
                        .setPartitions(List.of(new MetadataResponseData.MetadataResponsePartition().setPartitionIndex(0)
                                .setLeaderId(NODE).setLeaderEpoch(0).setReplicaNodes(List.of(NODE)).setIsrNodes(List.of(NODE)))));
            }
        }
        return new MetadataResponseData().setBrokers(brokers).setClusterId("outrigger-aot-training").setControllerId(NODE)
                .setTopics(topics);
    }

    private ProduceResponseData produce(ProduceRequestData request) {
        ProduceResponseData.TopicProduceResponseCollection responses = new ProduceResponseData.TopicProduceResponseCollection();
        for (ProduceRequestData.TopicProduceData topic : request.topicData()) {
            List<ProduceResponseData.PartitionProduceResponse> partitions = new ArrayList<>();
            for (ProduceRequestData.PartitionProduceData p : topic.partitionData()) {
                long n = 0;
                if (p.records() instanceof MemoryRecords m) {
                    for (RecordBatch batch : m.batches()) n += batch.lastOffset() - batch.baseOffset() + 1;
                }
                long base = records.getAndAdd(n);
                partitions.add(new ProduceResponseData.PartitionProduceResponse().setIndex(p.index()).setBaseOffset(base));
            }
            responses.add(new ProduceResponseData.TopicProduceResponse().setName(topic.name()).setTopicId(topic.topicId())
                    .setPartitionResponses(partitions));
        }
        return new ProduceResponseData().setResponses(responses);
    }

    private static Uuid topicId(String name) {
        UUID u = UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
        return new Uuid(u.getMostSignificantBits(), u.getLeastSignificantBits());
    }

    private static void write(DataOutputStream out, RequestHeader request, Message body) throws IOException {
        short headerVersion = request.apiKey().responseHeaderVersion(request.apiVersion());
        ByteBuffer head = MessageUtil.toByteBufferAccessor(new ResponseHeaderData().setCorrelationId(request.correlationId()), headerVersion).buffer();
        ByteBuffer payload = MessageUtil.toByteBufferAccessor(body, request.apiVersion()).buffer();
        out.writeInt(head.remaining() + payload.remaining());
        out.write(head.array(), head.arrayOffset() + head.position(), head.remaining());
        out.write(payload.array(), payload.arrayOffset() + payload.position(), payload.remaining());
        out.flush();
    }

    @Override public void close() throws IOException {
        server.close();
        synchronized (connections) {
            for (Socket s : connections) s.close();
        }
    }
}
