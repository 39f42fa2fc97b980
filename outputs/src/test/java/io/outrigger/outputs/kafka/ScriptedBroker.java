package io.outrigger.outputs.kafka;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.header.Header;
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
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * A one-node Kafka broker on loopback for the direct sender's tests, built from kafka-clients' message classes
 * (the approach of the agent's TrainingKafka). It answers ApiVersions, Metadata (partitions per topic set with
 * {@link #partitions}, every leader this node), InitProducerId (increasing producer ids, counted) and Produce.
 *
 * <p>Each partition batch of a Produce request is recorded ({@link #received}) and answered: first from the
 * topic's script ({@link #script}, one answer per partition batch in arrival order), else from the topic's rule
 * ({@link #rule}), else as a broker does with idempotent producers: it keeps the next sequence per (producer id,
 * topic, partition) and answers OUT_OF_ORDER_SEQUENCE_NUMBER when the base sequence is not that one,
 * DUPLICATE_SEQUENCE_NUMBER when the batch is one of the last five it stored. Only batches answered NONE are
 * stored ({@link #stored}). {@link Answer#DROP} handles the batch as by default (stores it when its sequence fits)
 * and then closes the connection without answering; {@link Answer#STALL} does the same but leaves the connection
 * open and silent until the client closes it; {@link Answer#FREEZE} stops reading the connection at all.
 */
final class ScriptedBroker implements AutoCloseable {

    static final int NODE = 0;

    /** One record as the broker decoded it. */
    record Msg(String key, String value, Map<String, String> headers) {}

    /** One partition batch of a Produce request, and what it was answered. */
    record Received(String topic, int partition, long producerId, short epoch, int baseSequence, List<Msg> records,
                    Errors answer) {
        int count() { return records.size(); }

        List<String> values() { return records.stream().map(Msg::value).toList(); }
    }

    /** How to answer one partition batch. */
    record Answer(Errors error, List<Integer> recordErrors, boolean drop, boolean stall, boolean freeze) {
        static final Answer DEFAULT = new Answer(null, List.of(), false, false, false);
        /** Handled as by default, then the connection is closed without an answer. */
        static final Answer DROP = new Answer(null, List.of(), true, false, false);
        /** Handled as by default, then never answered: the connection stays open until the client closes it. */
        static final Answer STALL = new Answer(null, List.of(), false, true, false);
        /** Handled as by default, then the connection is neither answered nor read any more (a frozen broker). */
        static final Answer FREEZE = new Answer(null, List.of(), false, false, true);

        static Answer of(Errors error) { return new Answer(Objects.requireNonNull(error), List.of(), false, false, false); }

        /** INVALID_RECORD naming these batch indices. */
        static Answer invalidRecords(Integer... batchIndices) {
            return new Answer(Errors.INVALID_RECORD, List.of(batchIndices), false, false, false);
        }
    }

    private record SequenceKey(long producerId, String topic, int partition) {}

    private static final class SequenceState {
        int next;
        final ArrayDeque<int[]> last = new ArrayDeque<>(); // {baseSequence, count} of the last five stored
    }

    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Socket> connections = new ArrayList<>();
    private final Map<String, Integer> partitions = new ConcurrentHashMap<>();
    private final Map<String, Set<Integer>> leaderless = new ConcurrentHashMap<>();
    private final Map<String, Errors> topicErrors = new ConcurrentHashMap<>();
    private final Map<ApiKeys, Short> maxVersions = new ConcurrentHashMap<>();
    private volatile String advertisedHost = "127.0.0.1";
    private volatile int advertisedPort = -1;
    private final ArrayDeque<Errors> initProducerIdErrors = new ArrayDeque<>();
    private final Map<String, ArrayDeque<Answer>> scripts = new HashMap<>();
    private final Map<String, Function<Received, Answer>> rules = new ConcurrentHashMap<>();
    private final Map<SequenceKey, SequenceState> sequences = new HashMap<>();
    private final List<Received> received = new ArrayList<>();
    private final AtomicInteger initProducerIdCalls = new AtomicInteger();
    private final AtomicInteger produceRequests = new AtomicInteger();
    private final AtomicInteger nextProducerId = new AtomicInteger(1000);

    ScriptedBroker() throws IOException {
        server = new ServerSocket();
        server.setReceiveBufferSize(16 * 1024); // small, so a broker that stops reading soon stops the client's writes
        server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        acceptor = new Thread(this::accept, "scripted-broker");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** host:port to give the output. */
    String address() { return "127.0.0.1:" + server.getLocalPort(); }

    /** The number of partitions Metadata shows for {@code topic} (1 when not set). */
    void partitions(String topic, int n) { partitions.put(topic, n); }

    /** Partitions of {@code topic} that Metadata shows without a leader (-1). */
    void leaderless(String topic, Integer... partitionIndices) { leaderless.put(topic, Set.of(partitionIndices)); }

    /** The error Metadata answers for {@code topic} (no partitions), or null for none. */
    void topicError(String topic, Errors error) {
        if (error == null) topicErrors.remove(topic);
        else topicErrors.put(topic, error);
    }

    /** The address Metadata gives for this node (itself when not set): a test can send produces elsewhere. */
    void advertise(String host, int port) {
        advertisedHost = host;
        advertisedPort = port;
    }

    /** The highest version of {@code key} ApiVersions advertises (kafka-clients' own otherwise). */
    void maxVersion(ApiKeys key, short version) { maxVersions.put(key, version); }

    /** Errors for the next InitProducerId requests, one each; then they are answered with a new producer id. */
    synchronized void failInitProducerId(Errors... errors) { initProducerIdErrors.addAll(List.of(errors)); }

    /** Answers for the next partition batches of {@code topic}, one each, in arrival order. */
    synchronized void script(String topic, Answer... answers) {
        scripts.computeIfAbsent(topic, t -> new ArrayDeque<>()).addAll(List.of(answers));
    }

    /**
     * How to answer {@code topic}'s partition batches once its script is used up: the function gets the batch as
     * received (its answer null) and returns an answer, or null for the default; a null rule removes the rule.
     */
    void rule(String topic, Function<Received, Answer> rule) {
        if (rule == null) rules.remove(topic);
        else rules.put(topic, rule);
    }

    synchronized int scriptLeft(String topic) {
        ArrayDeque<Answer> q = scripts.get(topic);
        return q == null ? 0 : q.size();
    }

    int initProducerIdCalls() { return initProducerIdCalls.get(); }

    int produceRequests() { return produceRequests.get(); }

    /** Every partition batch of {@code topic} received, in arrival order, with its answer. */
    synchronized List<Received> received(String topic) {
        return received.stream().filter(r -> r.topic.equals(topic)).toList();
    }

    /** The partition batches of {@code topic} stored (answered NONE), in arrival order. */
    synchronized List<Received> stored(String topic) {
        return received.stream().filter(r -> r.topic.equals(topic) && r.answer == Errors.NONE).toList();
    }

    /** The values stored for {@code topic}, in arrival order. */
    synchronized List<String> storedValues(String topic) {
        List<String> out = new ArrayList<>();
        for (Received r : stored(topic)) out.addAll(r.values());
        return out;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                synchronized (connections) {
                    connections.add(s);
                }
                Thread t = new Thread(() -> serve(s), "scripted-broker-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (s; DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(trickling(s.getOutputStream())))) {
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
                    case API_VERSIONS -> {
                        answer = apiVersions();
                        Short max = maxVersions.get(ApiKeys.API_VERSIONS);
                        if (max != null && version > max) {
                            // as a broker does (KafkaApis, ApiVersionsRequest.getErrorResponse): UNSUPPORTED_VERSION
                            // with only its ApiVersions range, written in version 0; the client asks again in a
                            // version the broker knows
                            ApiVersionsResponseData.ApiVersionCollection only = new ApiVersionsResponseData.ApiVersionCollection();
                            only.add(ApiVersionsResponse.toApiVersion(ApiKeys.API_VERSIONS).setMaxVersion(max));
                            write(out, header, new ApiVersionsResponseData().setErrorCode(Errors.UNSUPPORTED_VERSION.code())
                                    .setApiKeys(only), (short) 0);
                            continue;
                        }
                    }
                    case METADATA -> answer = metadata(new MetadataRequestData(body, version));
                    case INIT_PRODUCER_ID -> {
                        initProducerIdCalls.incrementAndGet();
                        Errors error;
                        synchronized (this) {
                            error = initProducerIdErrors.pollFirst();
                        }
                        answer = error != null
                                ? new InitProducerIdResponseData().setErrorCode(error.code()).setProducerId(-1).setProducerEpoch((short) -1)
                                : new InitProducerIdResponseData().setProducerId(nextProducerId.getAndIncrement()).setProducerEpoch((short) 0);
                    }
                    case PRODUCE -> {
                        produceRequests.incrementAndGet();
                        ProduceRequestData produce = new ProduceRequestData(body, version);
                        boolean[] drop = new boolean[3];
                        answer = produce(produce, drop);
                        if (drop[2]) {
                            while (!s.isClosed() && !server.isClosed()) Thread.sleep(20); // reads nothing more
                            return;
                        }
                        if (drop[0]) return; // closes the connection without an answer
                        if (drop[1]) {
                            while (in.read() >= 0) { } // never answers; reads on until the client closes
                            return;
                        }
                        if (produce.acks() == 0) continue;
                    }
                    default -> { return; }
                }
                write(out, header, answer, version);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            // the client closed the connection, or the broker was closed
        }
    }

    private ApiVersionsResponseData apiVersions() {
        ApiVersionsResponseData.ApiVersionCollection apis = new ApiVersionsResponseData.ApiVersionCollection();
        for (ApiKeys key : List.of(ApiKeys.API_VERSIONS, ApiKeys.METADATA, ApiKeys.INIT_PRODUCER_ID, ApiKeys.PRODUCE)) {
            ApiVersionsResponseData.ApiVersion v = ApiVersionsResponse.toApiVersion(key);
            Short max = maxVersions.get(key);
            if (max != null) v.setMaxVersion(max);
            apis.add(v);
        }
        return new ApiVersionsResponseData().setApiKeys(apis);
    }

    private MetadataResponseData metadata(MetadataRequestData request) {
        MetadataResponseData.MetadataResponseBrokerCollection brokers = new MetadataResponseData.MetadataResponseBrokerCollection();
        brokers.add(new MetadataResponseData.MetadataResponseBroker().setNodeId(NODE).setHost(advertisedHost)
                .setPort(advertisedPort > 0 ? advertisedPort : server.getLocalPort()));
        MetadataResponseData.MetadataResponseTopicCollection topics = new MetadataResponseData.MetadataResponseTopicCollection();
        if (request.topics() != null) {
            for (MetadataRequestData.MetadataRequestTopic t : request.topics()) {
                if (t.name() == null) continue;
                Errors error = topicErrors.get(t.name());
                if (error != null) {
                    topics.add(new MetadataResponseData.MetadataResponseTopic().setName(t.name()).setErrorCode(error.code())
                            .setTopicId(topicId(t.name())));
                    continue;
                }
                Set<Integer> noLeader = leaderless.getOrDefault(t.name(), Set.of());
                List<MetadataResponseData.MetadataResponsePartition> ps = new ArrayList<>();
                for (int p = 0; p < partitions.getOrDefault(t.name(), 1); p++) {
                    ps.add(new MetadataResponseData.MetadataResponsePartition().setPartitionIndex(p)
                            .setLeaderId(noLeader.contains(p) ? -1 : NODE)
                            .setLeaderEpoch(0).setReplicaNodes(List.of(NODE)).setIsrNodes(List.of(NODE)));
                }
                topics.add(new MetadataResponseData.MetadataResponseTopic().setName(t.name()).setTopicId(topicId(t.name()))
                        .setPartitions(ps));
            }
        }
        return new MetadataResponseData().setBrokers(brokers).setClusterId("scripted").setControllerId(NODE)
                .setTopics(topics);
    }

    private synchronized ProduceResponseData produce(ProduceRequestData request, boolean[] drop) {
        ProduceResponseData.TopicProduceResponseCollection responses = new ProduceResponseData.TopicProduceResponseCollection();
        for (ProduceRequestData.TopicProduceData topic : request.topicData()) {
            List<ProduceResponseData.PartitionProduceResponse> answers = new ArrayList<>();
            for (ProduceRequestData.PartitionProduceData p : topic.partitionData()) {
                answers.add(partition(topic.name(), p, drop));
            }
            responses.add(new ProduceResponseData.TopicProduceResponse().setName(topic.name()).setTopicId(topic.topicId())
                    .setPartitionResponses(answers));
        }
        return new ProduceResponseData().setResponses(responses);
    }

    private ProduceResponseData.PartitionProduceResponse partition(String topic, ProduceRequestData.PartitionProduceData p,
                                                                   boolean[] drop) {
        MemoryRecords records = (MemoryRecords) p.records();
        long producerId = -1;
        short epoch = -1;
        int baseSequence = -1;
        List<Msg> msgs = new ArrayList<>();
        for (MutableRecordBatch batch : records.batches()) { // the direct sender sends one record batch per partition
            producerId = batch.producerId();
            epoch = batch.producerEpoch();
            baseSequence = batch.baseSequence();
            for (Record r : batch) {
                Map<String, String> headers = new LinkedHashMap<>();
                for (Header h : r.headers()) headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
                msgs.add(new Msg(r.hasKey() ? utf8(r.key()) : null, r.hasValue() ? utf8(r.value()) : null,
                        Collections.unmodifiableMap(headers)));
            }
        }
        Received asIs = new Received(topic, p.index(), producerId, epoch, baseSequence, List.copyOf(msgs), null);
        Answer a = null;
        ArrayDeque<Answer> script = scripts.get(topic);
        if (script != null && !script.isEmpty()) a = script.pollFirst();
        if (a == null) {
            Function<Received, Answer> rule = rules.get(topic);
            if (rule != null) a = rule.apply(asIs);
        }
        if (a == null) a = Answer.DEFAULT;
        Errors error = a.error != null ? a.error : sequenceCheck(asIs);
        if (a.drop) drop[0] = true;
        if (a.stall) drop[1] = true;
        if (a.freeze) drop[2] = true;
        received.add(new Received(topic, p.index(), producerId, epoch, baseSequence, List.copyOf(msgs), error));
        ProduceResponseData.PartitionProduceResponse answer = new ProduceResponseData.PartitionProduceResponse()
                .setIndex(p.index()).setErrorCode(error.code());
        if (!a.recordErrors.isEmpty()) {
            List<ProduceResponseData.BatchIndexAndErrorMessage> errors = new ArrayList<>();
            for (int i : a.recordErrors) {
                errors.add(new ProduceResponseData.BatchIndexAndErrorMessage().setBatchIndex(i)
                        .setBatchIndexErrorMessage("record " + i + " is invalid"));
            }
            answer.setRecordErrors(errors).setErrorMessage("some records are invalid");
        }
        return answer;
    }

    /** NONE (and the batch stored), DUPLICATE_SEQUENCE_NUMBER or OUT_OF_ORDER_SEQUENCE_NUMBER. */
    private Errors sequenceCheck(Received r) {
        if (r.producerId < 0) return Errors.NONE; // not idempotent
        SequenceState s = sequences.computeIfAbsent(new SequenceKey(r.producerId, r.topic, r.partition), k -> new SequenceState());
        for (int[] last : s.last) {
            if (last[0] == r.baseSequence && last[1] == r.count()) return Errors.DUPLICATE_SEQUENCE_NUMBER;
        }
        if (r.baseSequence != s.next) return Errors.OUT_OF_ORDER_SEQUENCE_NUMBER;
        s.next = r.baseSequence + r.count();
        s.last.addLast(new int[] {r.baseSequence, r.count()});
        if (s.last.size() > 5) s.last.removeFirst();
        return Errors.NONE;
    }

    private static String utf8(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return new String(a, StandardCharsets.UTF_8);
    }

    private static Uuid topicId(String name) {
        UUID u = UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
        return new Uuid(u.getMostSignificantBits(), u.getLeastSignificantBits());
    }

    private static void write(DataOutputStream out, RequestHeader request, Message body, short bodyVersion) throws IOException {
        short headerVersion = request.apiKey().responseHeaderVersion(request.apiVersion());
        ByteBuffer head = MessageUtil.toByteBufferAccessor(new ResponseHeaderData().setCorrelationId(request.correlationId()),
                headerVersion).buffer();
        ByteBuffer payload = MessageUtil.toByteBufferAccessor(body, bodyVersion).buffer();
        out.writeInt(head.remaining() + payload.remaining());
        out.write(head.array(), head.arrayOffset() + head.position(), head.remaining());
        out.write(payload.array(), payload.arrayOffset() + payload.position(), payload.remaining());
        out.flush();
    }

    private volatile int trickleBytes;
    private volatile int tricklePauseMs;

    /**
     * Answers are written {@code bytes} at a time with {@code pauseMs} between the pieces (0 bytes: whole), so a
     * frame, its size prefix included, reaches the client in pieces.
     */
    void trickle(int bytes, int pauseMs) {
        trickleBytes = bytes;
        tricklePauseMs = pauseMs;
    }

    private java.io.OutputStream trickling(java.io.OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override public void write(byte[] b, int off, int len) throws IOException {
                int piece = trickleBytes;
                if (piece <= 0) {
                    out.write(b, off, len);
                    return;
                }
                for (int at = 0; at < len; at += piece) {
                    out.write(b, off + at, Math.min(piece, len - at));
                    out.flush();
                    try {
                        Thread.sleep(tricklePauseMs);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException();
                    }
                }
            }
        };
    }

    /** Closes every connection made so far (as a broker restart would); new ones are still accepted. */
    void dropConnections() throws IOException {
        synchronized (connections) {
            for (Socket s : connections) s.close();
            connections.clear();
        }
    }

    @Override public void close() throws IOException {
        server.close();
        synchronized (connections) {
            for (Socket s : connections) s.close();
        }
    }
}
