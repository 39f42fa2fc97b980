package io.outrigger.outputs.kafka;

import io.outrigger.core.event.LogRecord;
import io.outrigger.core.pipeline.Batch;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.Reason;
import io.outrigger.core.pipeline.SendResult;
import io.prometheus.metrics.core.metrics.Counter;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.AbstractRecords;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Utils;

/**
 * The Kafka output's direct sender: each batch becomes record batches, one per partition (more when one would
 * pass {@code batch.size}), built with kafka-clients' {@link MemoryRecordsBuilder} straight from the encoder's
 * bytes, and sent as Produce requests over {@link KafkaWire} connections, up to {@code
 * max.in.flight.requests.per.connection} (5) at once per broker, while the next batch is encoded (its encoding
 * reads their answers as they come). No per-record objects, no accumulator, no network thread: bench/e2e.sh's
 * 2M-line Kafka run takes 0.67-0.74x the CPU of the same batches through KafkaProducer
 * ({@code bench/kafka/producer-cost.sh} measures the client alone). Used for PLAINTEXT brokers; SASL, TLS and producer settings it does
 * not know go to {@link KafkaOutput} and KafkaProducer (see {@link DirectSettings}).
 *
 * <p>What it keeps of the producer's behaviour:
 * <ul>
 *   <li>Partitions: a record with a key goes to {@code murmur2(key) % partitions}, as the Java client's default
 *       partitioner puts it; records without one go to one partition until {@code batch.size} is full, then the
 *       next partition with a leader (sticky partitioning).</li>
 *   <li>Idempotence (default): a producer id from InitProducerId and a sequence per partition, so a request sent
 *       again after a lost connection or a timeout is written once. Answers that show the broker's sequence
 *       and ours apart (a record batch rejected in between, UNKNOWN_PRODUCER_ID) take a new producer id, and the
 *       unacknowledged record batches are numbered again from 0.</li>
 *   <li>Retries: retriable errors (a leader moved, not enough replicas, a lost connection, no answer within
 *       {@code request.timeout.ms}) send the same record batches again after {@code retry.backoff.ms}
 *       (doubling up to {@code retry.backoff.max.ms}), with fresh metadata, until {@code delivery.timeout.ms}
 *       from the batch's start; what is still unacknowledged then is answered Retryable and the shared sender
 *       backs off.</li>
 *   <li>Size: a record over {@code max.request.size} is rejected before sending; a record batch the broker finds
 *       too large (MESSAGE_TOO_LARGE) is split in halves and sent again, and a single record it refuses is
 *       rejected ({@code too_large}).</li>
 *   <li>Other errors are classified as for the producer ({@link KafkaErrors}).</li>
 * </ul>
 */
final class DirectKafkaOutput implements Output {

    private static final System.Logger LOG = System.getLogger(DirectKafkaOutput.class.getName());

    private final String name;
    private final DirectSettings settings;
    private final ThreadPoolExecutor executor;
    private final RecordEncoder encoder;
    private final Counter invalid;
    private final Duration closeTimeout;
    private volatile boolean healthy = true;
    private volatile boolean closed;

    // owned by the executor's one thread
    private final Map<Integer, KafkaWire> wires = new java.util.concurrent.ConcurrentHashMap<>(); // closed from close() too
    private final Map<Integer, Node> nodes = new HashMap<>();
    private final Map<String, Topic> topics = new HashMap<>();
    private final ArrayDeque<ByteBuffer> freeBuffers = new ArrayDeque<>();
    private long producerId = RecordBatch.NO_PRODUCER_ID;
    private short epoch = RecordBatch.NO_PRODUCER_EPOCH;
    private long metadataAt;
    private float compressionRatio = 1.0f;

    DirectKafkaOutput(String name, DirectSettings settings, ThreadPoolExecutor executor, RecordEncoder encoder, Counter invalid,
                      Duration closeTimeout) {
        this.name = name;
        this.settings = settings;
        this.executor = executor;
        this.encoder = encoder;
        this.invalid = invalid;
        this.closeTimeout = closeTimeout;
    }

    /** A broker's address, as metadata gives it. */
    private record Node(String host, int port) {}

    /** A topic as the last metadata showed it, and this sender's state for its partitions. */
    private static final class Topic {
        final String name;
        int[] leaders = new int[0];     // node id per partition, -1 without a leader
        int[] available = new int[0];   // partitions with a leader
        int[] nextSequence = new int[0];
        Chunk[] open = new Chunk[0];
        int sticky = -1;                // index into available
        SendResult unusable;            // set when the metadata refused the topic (authorization, invalid name)
        long unusableIn;                // the batch that last asked: each batch asks again, as KafkaProducer does

        Topic(String name) { this.name = name; }

        void update(int[] newLeaders) {
            if (newLeaders.length > nextSequence.length) { // never shrunk: chunks of a partition now gone still refer to it
                nextSequence = Arrays.copyOf(nextSequence, newLeaders.length);
                open = Arrays.copyOf(open, newLeaders.length);
            }
            leaders = newLeaders;
            available = java.util.stream.IntStream.range(0, leaders.length).filter(p -> leaders[p] >= 0).toArray();
            if (sticky >= available.length) sticky = -1;
        }
    }

    /** One record batch for one partition: its records' indices in our batch, and its place in the sequence. */
    private final class Chunk {
        final Send owner;
        final Topic topic;
        final int partition;
        final MemoryRecordsBuilder builder;
        int[] indices = new int[64];
        int count;
        int baseSequence = RecordBatch.NO_SEQUENCE;
        long order; // the order chunks were closed in, to keep a partition's chunks in order when sent again
        boolean inDoubt; // its request was written but no answer came (connection lost, timeout): maybe stored

        Chunk(Send owner, Topic topic, int partition, MemoryRecordsBuilder builder) {
            this.owner = owner;
            this.topic = topic;
            this.partition = partition;
            this.builder = builder;
        }

        void add(int index) {
            if (count == indices.length) indices = Arrays.copyOf(indices, count * 2);
            indices[count++] = index;
        }

        /** Its partition's leader as the last metadata showed it; -1 for none (or a partition no longer listed). */
        int leader() { return partition < topic.leaders.length ? topic.leaders[partition] : -1; }

        boolean samePartition(Chunk o) { return o.topic == topic && o.partition == partition; }
    }

    /** One Produce request in flight. */
    private record Request(KafkaWire wire, List<Chunk> chunks) {}

    @Override
    public CompletableFuture<SendResult> send(Batch batch) {
        return KafkaOutput.enqueue(closed, executor, name, future -> new Task(batch, future));
    }

    /** One queued batch; a type so a batch dropped from the queue at close can still be answered. */
    private final class Task implements Runnable {
        final Batch batch;
        final CompletableFuture<SendResult> future;

        Task(Batch batch, CompletableFuture<SendResult> future) {
            this.batch = batch;
            this.future = future;
        }

        @Override public void run() {
            Send s = new Send(batch.records(), future);
            try {
                open.add(s);
                s.encode();
                drive();
            } catch (RuntimeException | Error e) { // a bug must not leave batches hanging
                LOG.log(System.Logger.Level.WARNING, "kafka output {0}: {1}", name, e.toString());
                abandon(new SendResult.Retryable(Reason.INTERNAL, e.toString()));
            }
        }
    }

    // ---- the sender's state, owned by the executor's one thread ----

    private final ArrayDeque<Chunk> ready = new ArrayDeque<>();
    private final ArrayDeque<Request> inFlight = new ArrayDeque<>();
    private final List<Chunk> failed = new ArrayList<>();
    private final List<Chunk> failedPartitions = new ArrayList<>(); // a chunk of each partition that failed this round
    private final List<Send> open = new ArrayList<>();               // batches not answered yet, oldest first
    private boolean metadataNeeded;
    private boolean resetNeeded;
    /** Before a new producer id: chunks in doubt go again under the old one, to learn if they were stored. */
    private boolean probing;
    private final List<Chunk> held = new ArrayList<>(); // the other chunks, waiting for the probe and the reset
    private String lastProblem = "";
    private Reason lastReason = Reason.TIMEOUT;
    private long order;
    private int attempts;
    private long batchCount;

    /** One batch: its records, their answers, and how many of its chunks are still unanswered. */
    private final class Send {
        final List<LogRecord> records;
        final SendResult[] results; // null: delivered
        final CompletableFuture<SendResult> future;
        final long deadline;
        final long now = System.currentTimeMillis();
        final Map<String, SendResult> stalled = new HashMap<>();
        int unresolved;
        boolean sealed; // every record is in a closed chunk or answered

        Send(List<LogRecord> records, CompletableFuture<SendResult> future) {
            this.records = records;
            this.results = new SendResult[records.size()];
            this.future = future;
            this.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.deliveryTimeoutMs());
        }

        void encode() {
            batchCount++;
            if (System.currentTimeMillis() - metadataAt > settings.metadataMaxAgeMs() && !topics.isEmpty()) {
                refreshMetadata(topics.keySet());
            }
            if (settings.idempotent() && producerId == RecordBatch.NO_PRODUCER_ID) {
                SendResult problem = initProducerId();
                if (problem != null) {
                    Arrays.fill(results, problem);
                    seal();
                    return;
                }
            }
            for (int i = 0; i < records.size(); i++) {
                // answers that came meanwhile are read now, so earlier batches are answered while this one is encoded
                if ((i & 255) == 0 && !inFlight.isEmpty() && inFlight.peekFirst().wire.hasAnswer()) receiveOne();
                append(i);
            }
            for (Topic t : topics.values()) {
                for (int p = 0; p < t.open.length; p++) {
                    if (t.open[p] != null) {
                        close(t.open[p]);
                        t.open[p] = null;
                    }
                }
            }
            seal();
        }

        private void seal() {
            sealed = true;
            completeIfDone(this);
        }

        private void append(int i) {
            LogRecord r = records.get(i);
            try {
                encoder.encodeParts(r);
            } catch (RecordEncoder.Unencodable e) {
                invalid.labelValues(name, e.reason).inc();
                results[i] = new SendResult.Rejected(Reason.INVALID_RECORD, e.getMessage());
                return;
            } catch (RuntimeException e) {
                invalid.labelValues(name, "serialization").inc();
                results[i] = new SendResult.Rejected(Reason.INVALID_RECORD, e.toString());
                return;
            }
            String topicName = encoder.topic();
            SendResult stall = stalled.get(topicName);
            if (stall != null) {
                results[i] = stall;
                return;
            }
            Topic t = topic(topicName);
            if (t.unusable != null || t.leaders.length == 0) {
                SendResult why = t.unusable != null ? t.unusable : new SendResult.Retryable(lastReason, lastProblem);
                stalled.put(topicName, why);
                results[i] = why;
                return;
            }
            byte[] key = encoder.key();
            ByteBuffer value = encoder.value();
            Header[] headers = encoder.headers();
            ByteBuffer keyBuffer = key == null ? null : ByteBuffer.wrap(key);
            boolean small = headers.length == 0 && value.remaining() + (key == null ? 0 : key.length) + 128 < settings.maxRequestSize();
            int size = small ? 0 : AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE,
                    settings.compression().type(), keyBuffer, value, headers);
            if (size > settings.maxRequestSize()) {
                results[i] = new SendResult.Rejected(Reason.TOO_LARGE, "RecordTooLargeException: The message is " + size
                        + " bytes when serialized which is larger than " + settings.maxRequestSize()
                        + ", which is the value of the max.request.size configuration.");
                return;
            }
            int p = key != null ? Utils.toPositive(Utils.murmur2(key)) % t.leaders.length : stickyPartition(t);
            Chunk c = t.open[p];
            boolean full = false;
            if (c != null && !c.builder.hasRoomFor(now, keyBuffer, value, headers)) {
                close(c);
                t.open[p] = null;
                c = null;
                full = true;
                if (key == null) {
                    t.sticky = (t.sticky + 1) % Math.max(1, t.available.length);
                    p = stickyPartition(t);
                    c = t.open[p];
                }
            }
            if (c == null) t.open[p] = c = newChunk(this, t, p);
            c.builder.append(now, keyBuffer, value, headers);
            c.add(i);
            // after the append: sending may read answers, and handling one may use the encoder
            if (full && canSend()) pump(true);
        }
    }

    private int stickyPartition(Topic t) {
        if (t.available.length == 0) return 0; // no leader anywhere: the chunk waits for fresh metadata
        if (t.sticky < 0) t.sticky = (int) (Math.random() * t.available.length);
        return t.available[t.sticky];
    }

    private Chunk newChunk(Send owner, Topic t, int partition) {
        ByteBuffer buffer = freeBuffers.pollFirst();
        if (buffer == null) buffer = ByteBuffer.allocate(bufferSize());
        buffer.clear();
        MemoryRecordsBuilder b = new MemoryRecordsBuilder(buffer, RecordBatch.CURRENT_MAGIC_VALUE, settings.compression(),
                TimestampType.CREATE_TIME, 0L, RecordBatch.NO_TIMESTAMP, RecordBatch.NO_PRODUCER_ID,
                RecordBatch.NO_PRODUCER_EPOCH, RecordBatch.NO_SEQUENCE, false, false,
                RecordBatch.NO_PARTITION_LEADER_EPOCH, settings.batchSize());
        b.setEstimatedCompressionRatio(compressionRatio);
        owner.unresolved++;
        return new Chunk(owner, t, partition, b);
    }

    private int bufferSize() { return Math.min(settings.batchSize(), 1 << 20); }

    /** Numbers the chunk in its partition's sequence, closes it and queues it. */
    private void close(Chunk c) {
        if (settings.idempotent()) {
            c.baseSequence = c.topic.nextSequence[c.partition];
            c.topic.nextSequence[c.partition] = increment(c.baseSequence, c.count);
            c.builder.setProducerState(producerId, epoch, c.baseSequence, false);
        }
        c.builder.close();
        if (settings.compression().type() != CompressionType.NONE) compressionRatio = (float) c.builder.compressionRatio();
        c.order = order++;
        ready.addLast(c);
    }

    /**
     * Answers the open batches: sends what is ready, reads answers, retries. Returns once every open batch is
     * answered, or earlier when the next batch is already queued and nothing needs retrying: its encoding then
     * overlaps the brokers' work on these, whose answers it reads as they come.
     */
    private void drive() {
        while (!open.isEmpty()) {
            if (canSend()) pump(false);
            if (failed.isEmpty() && !resetNeeded && ready.isEmpty() && !executor.getQueue().isEmpty() && !closed) return;
            if (!inFlight.isEmpty()) {
                receiveOne();
                continue;
            }
            if (failed.isEmpty() && !resetNeeded) {
                if (ready.isEmpty()) { // nothing left to send or read, yet a batch is open: answer it rather than hang
                    abandon(new SendResult.Retryable(Reason.INTERNAL, "output " + name + ": batch left without answer"));
                }
                continue;
            }
            retryRound();
        }
    }

    /**
     * Sends ready chunks while their brokers have room: one chunk per partition per request. With {@code
     * waitForRoom} a full connection's oldest answer is read to make room; otherwise sending stops there.
     */
    private void pump(boolean waitForRoom) {
        while (!ready.isEmpty() && canSend()) {
            Chunk first = ready.peekFirst();
            int leader = first.leader();
            if (leader < 0) {
                fail(ready.pollFirst(), Reason.SERVER_ERROR, "no leader for " + first.topic.name + "-" + first.partition, true);
                continue;
            }
            KafkaWire w = wire(leader);
            if (w == null) { // one connect attempt per round for all of this broker's chunks, not one each
                for (var it = ready.iterator(); it.hasNext(); ) {
                    Chunk c = it.next();
                    if (c.leader() == leader) {
                        it.remove();
                        fail(c, Reason.CONNECTION, connectProblem, true);
                    }
                }
                continue;
            }
            if (w.inFlight() >= settings.maxInFlight()) {
                if (!waitForRoom) return;
                receiveOne();
                continue;
            }
            List<Chunk> chunks = new ArrayList<>();
            int bytes = 0;
            for (var it = ready.iterator(); it.hasNext(); ) {
                Chunk c = it.next();
                if (c.leader() != leader) continue;
                int size = c.builder.build().sizeInBytes();
                if (!chunks.isEmpty() && bytes + size > settings.maxRequestSize()) break;
                boolean samePartition = false;
                for (Chunk o : chunks) samePartition |= o.samePartition(c);
                if (samePartition) continue; // a partition's later chunk goes in a later request, after this one
                chunks.add(c);
                bytes += size;
                it.remove();
            }
            ProduceRequestData.TopicProduceDataCollection data = new ProduceRequestData.TopicProduceDataCollection();
            for (Chunk c : chunks) {
                ProduceRequestData.TopicProduceData td = data.find(c.topic.name, Uuid.ZERO_UUID);
                if (td == null) {
                    td = new ProduceRequestData.TopicProduceData().setName(c.topic.name).setPartitionData(new ArrayList<>());
                    data.add(td);
                }
                td.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(c.partition)
                        .setRecords(c.builder.build()));
            }
            try {
                w.send(ApiKeys.PRODUCE, w.produceVersion, new ProduceRequestData().setAcks(settings.acks())
                        .setTimeoutMs(settings.requestTimeoutMs()).setTransactionalId(null).setTopicData(data));
                inFlight.addLast(new Request(w, chunks));
            } catch (IOException e) {
                failConnection(w, e);
                for (Chunk c : chunks) {
                    c.inDoubt = true; // part of the request may have gone
                    fail(c, Reason.CONNECTION, lastProblem, true);
                }
            }
        }
    }

    /** Whether chunks may go now: nothing waits to be retried, and no new producer id is due (unless probing). */
    private boolean canSend() {
        return failed.isEmpty() && (!resetNeeded || probing);
    }

    /** Reads the oldest request's answer and settles each of its chunks. */
    private void receiveOne() {
        Request r = inFlight.pollFirst();
        ProduceResponseData answer;
        try {
            answer = new ProduceResponseData(new ByteBufferAccessor(r.wire.receive()), r.wire.produceVersion);
        } catch (IOException | RuntimeException e) {
            inFlight.addFirst(r); // failed with the others on its connection
            failConnection(r.wire, e);
            return;
        }
        for (Chunk c : r.chunks) {
            ProduceResponseData.PartitionProduceResponse pr = null;
            ProduceResponseData.TopicProduceResponse tr = answer.responses().find(c.topic.name, Uuid.ZERO_UUID);
            if (tr != null) {
                for (ProduceResponseData.PartitionProduceResponse x : tr.partitionResponses()) if (x.index() == c.partition) pr = x;
            }
            if (pr == null) {
                fail(c, Reason.TIMEOUT, "broker " + r.wire.address + " did not answer for " + c.topic.name + "-" + c.partition, true);
                continue;
            }
            answered(c, pr);
        }
    }

    /**
     * A request failed as a whole: this connection is closed and every other request in flight on it fails too
     * (their answers would have come on it), so that all of them go again, in order.
     */
    private void failConnection(KafkaWire w, Exception e) {
        lostConnection(w, e);
        lastProblem = w + ": " + e;
        for (var it = inFlight.iterator(); it.hasNext(); ) {
            Request other = it.next();
            if (other.wire == w) {
                it.remove();
                for (Chunk c : other.chunks) {
                    c.inDoubt = true;
                    fail(c, e instanceof SocketTimeoutException ? Reason.TIMEOUT : Reason.CONNECTION, lastProblem, true);
                }
            }
        }
    }

    private void answered(Chunk c, ProduceResponseData.PartitionProduceResponse pr) {
        Errors error = Errors.forCode(pr.errorCode());
        String where = c.topic.name + "-" + c.partition;
        switch (error) {
            case NONE, DUPLICATE_SEQUENCE_NUMBER -> resolve(c, null);
            case OUT_OF_ORDER_SEQUENCE_NUMBER -> {
                // after an earlier chunk of this partition failed, this one could only be refused; otherwise
                // the broker and we disagree on the sequence: a new producer id numbers everything again
                if (!failedBefore(c)) resetNeeded = true;
                fail(c, Reason.SERVER_ERROR, where + ": " + error.message(), false);
            }
            case UNKNOWN_PRODUCER_ID, INVALID_PRODUCER_EPOCH -> {
                resetNeeded = true;
                fail(c, Reason.SERVER_ERROR, where + ": " + error.message(), false);
            }
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE -> {
                if (c.count > 1) split(c);
                else reject(c, KafkaErrors.classify(error.exception(message(pr, error))));
            }
            case INVALID_RECORD -> invalidRecords(c, pr, error);
            default -> {
                Exception e = error.exception(message(pr, error));
                if (e instanceof RetriableException) {
                    fail(c, Reason.SERVER_ERROR, where + ": " + e.getMessage(), true);
                } else {
                    reject(c, KafkaErrors.classify(e));
                }
            }
        }
    }

    private static String message(ProduceResponseData.PartitionProduceResponse pr, Errors error) {
        return pr.errorMessage() != null && !pr.errorMessage().isEmpty() ? pr.errorMessage() : error.message();
    }

    /** The records the broker named invalid are rejected; the rest of the chunk goes again in a new one. */
    private void invalidRecords(Chunk c, ProduceResponseData.PartitionProduceResponse pr, Errors error) {
        Set<Integer> bad = new HashSet<>();
        for (ProduceResponseData.BatchIndexAndErrorMessage e : pr.recordErrors()) {
            if (e.batchIndex() >= 0 && e.batchIndex() < c.count) {
                bad.add(e.batchIndex());
                String why = e.batchIndexErrorMessage() != null ? e.batchIndexErrorMessage() : message(pr, error);
                c.owner.results[c.indices[e.batchIndex()]] = KafkaErrors.classify(error.exception(why));
            }
        }
        if (bad.isEmpty()) {
            reject(c, KafkaErrors.classify(error.exception(message(pr, error))));
            return;
        }
        int[] rest = new int[c.count - bad.size()];
        int n = 0;
        for (int j = 0; j < c.count; j++) if (!bad.contains(j)) rest[n++] = c.indices[j];
        if (n > 0) {
            Chunk again = rebuild(c, rest, 0, n);
            failed.add(again);
        }
        resetNeeded |= settings.idempotent(); // the rejected ones leave a gap in the partition's sequence
        settle(c);
    }

    /** Two chunks of half the records each, in the failed chunk's place in the sequence. */
    private void split(Chunk c) {
        int half = c.count / 2;
        Chunk a = rebuild(c, c.indices, 0, half);
        Chunk b = rebuild(c, c.indices, half, c.count - half);
        if (settings.idempotent()) renumber(b, increment(c.baseSequence, half));
        failedPartitions.add(a);
        failed.add(a);
        failed.add(b);
        settle(c);
    }

    /** A closed chunk of {@code from}'s partition and owner with the records at {@code indices[offset..offset+n)}. */
    private Chunk rebuild(Chunk from, int[] indices, int offset, int n) {
        Chunk c = newChunk(from.owner, from.topic, from.partition);
        c.order = from.order;
        c.baseSequence = from.baseSequence;
        for (int j = offset; j < offset + n; j++) {
            int i = indices[j];
            try {
                encoder.encodeParts(from.owner.records.get(i));
            } catch (RecordEncoder.Unencodable e) {
                throw new IllegalStateException("a record encoded once no longer encodes", e);
            }
            byte[] key = encoder.key();
            c.builder.append(from.owner.now, key == null ? null : ByteBuffer.wrap(key), encoder.value(), encoder.headers());
            c.add(i);
        }
        if (settings.idempotent()) c.builder.setProducerState(producerId, epoch, c.baseSequence, false);
        c.builder.close();
        return c;
    }

    private void renumber(Chunk c, int baseSequence) {
        c.baseSequence = baseSequence;
        c.builder.reopenAndRewriteProducerState(producerId, epoch, baseSequence, false);
        c.builder.close();
    }

    private boolean failedBefore(Chunk c) {
        for (Chunk f : failedPartitions) if (f.samePartition(c)) return true;
        return false;
    }

    /** Every record of the chunk gets {@code result} (null: delivered). */
    private void resolve(Chunk c, SendResult result) {
        if (result == null) attempts = 0; // delivering again: the next failure backs off from the start
        SendResult[] results = c.owner.results;
        for (int j = 0; j < c.count; j++) results[c.indices[j]] = result;
        settle(c);
    }

    private void reject(Chunk c, SendResult result) {
        resetNeeded |= settings.idempotent(); // its sequence numbers were not written: later chunks would not fit
        resolve(c, result);
    }

    /** The chunk is done with (answered, or replaced by others): its buffer is kept, its batch maybe answered. */
    private void settle(Chunk c) {
        ByteBuffer b = c.builder.buffer();
        if (freeBuffers.size() < 8 && b.capacity() == bufferSize()) freeBuffers.addLast(b);
        c.owner.unresolved--;
        completeIfDone(c.owner);
    }

    private void fail(Chunk c, Reason reason, String problem, boolean refreshMetadata) {
        lastReason = reason;
        lastProblem = problem;
        metadataNeeded |= refreshMetadata;
        failedPartitions.add(c);
        failed.add(c);
        healthy = false;
    }

    /**
     * Answers the batch once every record has its answer. Healthy again when any of its records was delivered;
     * not healthy when it comes back retryable; an empty batch says nothing about the brokers.
     */
    private void completeIfDone(Send s) {
        if (!s.sealed || s.unresolved > 0 || s.future.isDone()) return;
        open.remove(s);
        SendResult r = KafkaOutput.summary(s.results);
        if (r instanceof SendResult.Retryable rr) {
            if (rr.reason() != Reason.CLOSED) healthy = false;
        } else if (Arrays.asList(s.results).contains(null)) {
            healthy = true;
        }
        s.future.complete(r);
    }

    /**
     * Once nothing is in flight: waits the backoff (not for a sequence reset alone), refreshes metadata, takes a
     * new producer id if the sequence was broken, and queues the failed chunks again in their order. When the
     * oldest open batch's delivery timeout has passed, answers every unanswered chunk Retryable instead.
     */
    private void retryRound() {
        long deadline = open.isEmpty() ? System.nanoTime() : open.getFirst().deadline;
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0 || closed) {
            giveUp();
            return;
        }
        if (!failed.isEmpty()) {
            int attempt = ++attempts;
            long backoff = Math.min(settings.retryBackoffMaxMs(), settings.retryBackoffMs() * (1L << Math.min(20, attempt - 1)));
            if (!pause(Math.min(backoff, left))) {
                giveUp();
                return;
            }
        }
        if (metadataNeeded) {
            Set<String> names = new HashSet<>();
            for (Chunk c : failed) names.add(c.topic.name);
            refreshMetadata(names);
            metadataNeeded = false;
        }
        List<Chunk> again = new ArrayList<>(failed);
        again.addAll(ready);
        again.addAll(held);
        held.clear();
        again.sort(Comparator.comparingLong((Chunk c) -> c.order).thenComparingInt(c -> c.baseSequence));
        if (resetNeeded && settings.idempotent()) {
            if (!probing) {
                // a new producer id would have the broker store again what it may have stored already: first the
                // chunks in doubt go once more under the old id (DUPLICATE_SEQUENCE_NUMBER: stored), the rest wait
                List<Chunk> doubt = again.stream().filter(c -> c.inDoubt).toList();
                if (!doubt.isEmpty()) {
                    probing = true;
                    for (Chunk c : again) if (!c.inDoubt) held.add(c);
                    for (Chunk c : doubt) c.inDoubt = false;
                    failed.clear();
                    failedPartitions.clear();
                    ready.clear();
                    ready.addAll(doubt);
                    return;
                }
            }
            probing = false;
            SendResult problem = initProducerId();
            if (problem instanceof SendResult.Rejected rej) {
                for (Chunk c : again) resolve(c, rej);
                failed.clear();
                ready.clear();
                resetNeeded = false;
                return;
            }
            if (problem != null) {
                lastReason = ((SendResult.Retryable) problem).reason();
                lastProblem = ((SendResult.Retryable) problem).detail();
                if (failed.isEmpty()) { // keep the backoff and the deadline running for the next round
                    failed.addAll(ready);
                    ready.clear();
                }
                return;
            }
            for (Chunk c : again) {
                int base = c.topic.nextSequence[c.partition];
                c.topic.nextSequence[c.partition] = increment(base, c.count);
                renumber(c, base);
            }
        }
        resetNeeded = false;
        failed.clear();
        failedPartitions.clear();
        ready.clear();
        ready.addAll(again);
    }

    /** Answers every unanswered chunk Retryable; the next batch starts with a new producer id. */
    private void giveUp() {
        SendResult r = new SendResult.Retryable(lastReason, lastProblem);
        attempts = 0;
        probing = false;
        List<Chunk> all = new ArrayList<>(failed);
        all.addAll(held);
        held.clear();
        all.addAll(ready);
        failed.clear();
        ready.clear();
        failedPartitions.clear();
        resetNeeded = false;
        metadataNeeded = true;
        producerId = RecordBatch.NO_PRODUCER_ID;
        for (Topic t : topics.values()) Arrays.fill(t.nextSequence, 0);
        for (Chunk c : all) resolve(c, r);
    }

    /** After a bug: every open batch is answered {@code r} and the sender starts afresh. */
    private void abandon(SendResult r) {
        closeWires();
        producerId = RecordBatch.NO_PRODUCER_ID;
        for (Topic t : topics.values()) {
            Arrays.fill(t.nextSequence, 0);
            Arrays.fill(t.open, null);
        }
        ready.clear();
        inFlight.clear();
        failed.clear();
        failedPartitions.clear();
        held.clear();
        probing = false;
        resetNeeded = false;
        for (Send s : List.copyOf(open)) s.future.complete(r);
        open.clear();
        healthy = false;
    }

    /** The topic's metadata, fetched (waiting up to max.block.ms while it is being created) if not known. */
    private Topic topic(String topicName) {
        Topic t = topics.get(topicName);
        if (t != null && t.unusable != null && t.unusableIn != batchCount) {
            t.unusableIn = batchCount;
            refreshMetadata(Set.of(topicName)); // an ACL granted since is seen by the next batch
            return t;
        }
        if (t != null && (t.leaders.length > 0 || t.unusable != null)) return t;
        if (t == null) topics.put(topicName, t = new Topic(topicName));
        Topic asked = t;
        boolean known = blockUntil(() -> {
            refreshMetadata(Set.of(topicName));
            return asked.leaders.length > 0 || asked.unusable != null;
        });
        if (!known && lastProblem.isEmpty()) {
            lastReason = Reason.TIMEOUT;
            lastProblem = "topic " + topicName + " not present in metadata after " + settings.maxBlockMs() + " ms";
        }
        return t;
    }

    /**
     * Calls {@code attempt} until it returns true, pausing 50 ms (doubling up to 500 ms) between calls, for at most
     * max.block.ms or until the output closes. Whether the last call returned true.
     */
    private boolean blockUntil(java.util.function.BooleanSupplier attempt) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.maxBlockMs());
        for (long pause = 50; ; pause = Math.min(500, pause * 2)) {
            if (attempt.getAsBoolean()) return true;
            if (closed || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pause) > until || !pause(pause)) return false;
        }
    }

    /**
     * Asks one broker for these topics' partitions and leaders (and all brokers' addresses). With requests in
     * flight it asks on a connection of its own, so answers keep their order.
     */
    private void refreshMetadata(Set<String> names) {
        MetadataRequestData ask = new MetadataRequestData().setAllowAutoTopicCreation(true);
        List<MetadataRequestData.MetadataRequestTopic> list = new ArrayList<>();
        for (String n : names) list.add(new MetadataRequestData.MetadataRequestTopic().setName(n));
        ask.setTopics(list);
        for (KafkaWire w : controlCandidates()) {
            MetadataResponseData md;
            try {
                w.send(ApiKeys.METADATA, w.metadataVersion, ask);
                md = new MetadataResponseData(new ByteBufferAccessor(w.receive()), w.metadataVersion);
            } catch (IOException | RuntimeException e) {
                connectProblem = w + ": " + e;
                lostConnection(w, e);
                continue;
            }
            metadataAt = System.currentTimeMillis();
            for (MetadataResponseData.MetadataResponseBroker b : md.brokers()) {
                Node now = new Node(b.host(), b.port());
                Node old = nodes.put(b.nodeId(), now);
                if (old != null && !old.equals(now)) {
                    KafkaWire moved = wires.get(b.nodeId());
                    if (moved != null && moved.inFlight() == 0) {
                        wires.remove(b.nodeId());
                        moved.close();
                    }
                }
            }
            for (MetadataResponseData.MetadataResponseTopic mt : md.topics()) {
                Topic t = topics.computeIfAbsent(mt.name(), Topic::new);
                Errors e = Errors.forCode(mt.errorCode());
                if (e == Errors.NONE) {
                    int[] leaders = new int[mt.partitions().size()];
                    Arrays.fill(leaders, -1);
                    for (MetadataResponseData.MetadataResponsePartition p : mt.partitions()) {
                        if (p.partitionIndex() >= 0 && p.partitionIndex() < leaders.length) {
                            leaders[p.partitionIndex()] = nodes.containsKey(p.leaderId()) ? p.leaderId() : -1;
                        }
                    }
                    t.update(leaders);
                    t.unusable = null;
                } else {
                    Exception ex = e.exception("topic " + mt.name() + ": " + e.message());
                    if (ex instanceof RetriableException) {
                        lastReason = Reason.TIMEOUT;
                        lastProblem = "topic " + mt.name() + ": " + e.message();
                    } else {
                        t.unusable = KafkaErrors.classify(ex);
                        t.unusableIn = batchCount;
                    }
                }
            }
            return;
        }
        lastReason = Reason.CONNECTION;
        lastProblem = "output " + name + ": no broker reachable: " + connectProblem;
    }

    /**
     * A connection for Metadata and InitProducerId, which are answered at once: an idle one to a known broker,
     * else one to the bootstrap list (kept under a negative id).
     */
    private List<KafkaWire> controlCandidates() {
        for (KafkaWire w : wires.values()) if (w.inFlight() == 0) return List.of(w);
        for (Integer id : nodes.keySet()) {
            if (wires.containsKey(id)) continue;
            KafkaWire w = wire(id);
            if (w != null) return List.of(w);
        }
        List<String> brokers = settings.brokers();
        int start = (int) (Math.random() * brokers.size());
        for (int k = 0; k < brokers.size(); k++) {
            int n = (start + k) % brokers.size();
            if (wires.containsKey(-1 - n)) continue;
            String b = brokers.get(n);
            KafkaWire w = open(-1 - n, KafkaOutputFactory.host(b), Integer.parseInt(b.substring(b.lastIndexOf(':') + 1)));
            if (w != null) {
                wires.put(w.nodeId, w);
                return List.of(w);
            }
        }
        return List.of();
    }

    /** Takes a new producer id, asking again while the broker is still loading, up to max.block.ms. */
    private SendResult initProducerId() {
        SendResult[] last = new SendResult[1];
        blockUntil(() -> !((last[0] = askProducerId()) instanceof SendResult.Retryable));
        return last[0];
    }

    private SendResult askProducerId() {
        for (KafkaWire w : controlCandidates()) {
            InitProducerIdResponseData answer;
            try {
                w.send(ApiKeys.INIT_PRODUCER_ID, w.initProducerIdVersion,
                        new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(60_000));
                answer = new InitProducerIdResponseData(new ByteBufferAccessor(w.receive()), w.initProducerIdVersion);
            } catch (IOException | RuntimeException e) {
                connectProblem = w + ": " + e;
                lostConnection(w, e);
                continue;
            }
            Errors e = Errors.forCode(answer.errorCode());
            if (e != Errors.NONE) {
                SendResult r = KafkaErrors.classify(e.exception("InitProducerId: " + e.message()));
                lastProblem = r.toString();
                return r;
            }
            producerId = answer.producerId();
            epoch = answer.producerEpoch();
            for (Topic t : topics.values()) Arrays.fill(t.nextSequence, 0);
            return null;
        }
        return new SendResult.Retryable(Reason.CONNECTION, "output " + name + ": no broker reachable: " + connectProblem);
    }

    /** Sleeps; false (the interrupt kept) when interrupted: the output is closing. */
    private static boolean pause(long ms) {
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int increment(int sequence, int n) {
        return sequence > Integer.MAX_VALUE - n ? n - (Integer.MAX_VALUE - sequence) - 1 : sequence + n;
    }

    /** The open connection to a broker, made if need be; null (lastProblem set) when it cannot be made. */
    private KafkaWire wire(int nodeId) {
        KafkaWire w = wires.get(nodeId);
        if (w != null) return w;
        Node node = nodes.get(nodeId);
        if (node == null) return null;
        w = open(nodeId, node.host(), node.port());
        if (w != null) wires.put(nodeId, w);
        return w;
    }

    private String connectProblem = "";

    private KafkaWire open(int nodeId, String host, int port) {
        try {
            return KafkaWire.connect(nodeId, host, port, settings.clientId(), settings.connectTimeoutMs(),
                    settings.requestTimeoutMs() + 1000, settings.sendBufferBytes(), settings.receiveBufferBytes());
        } catch (IOException | RuntimeException e) {
            connectProblem = "cannot reach broker " + host + ":" + port + ": " + e;
            healthy = false;
            return null;
        }
    }

    private void lostConnection(KafkaWire w, Exception e) {
        w.close();
        wires.remove(w.nodeId, w);
        healthy = false;
        LOG.log(System.Logger.Level.DEBUG, "kafka output {0}: {1}: {2}", name, w, e.toString());
    }

    private void closeWires() {
        for (KafkaWire w : List.copyOf(wires.values())) w.close();
        wires.clear();
    }

    public boolean isHealthy() { return healthy && !closed; }

    /** Waits for queued batches within the timeout; then closes the connections, which ends any send still waiting. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        executor.shutdown();
        try {
            if (!executor.awaitTermination(closeTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "kafka output {0}: batches still being sent after {1}", name, closeTimeout);
                for (Runnable r : executor.shutdownNow()) {
                    if (r instanceof Task t) t.future.complete(new SendResult.Retryable(Reason.CLOSED, "output " + name + " closed"));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeWires(); // ends a send still waiting on a broker, if the executor did not finish in time
    }

    @Override public String toString() { return "DirectKafkaOutput[" + name + "]"; }
}
