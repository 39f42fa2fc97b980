package io.outrigger.outputs.kafka;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.ObjectSerializationCache;

/**
 * One PLAINTEXT connection to one broker, speaking the Kafka protocol with kafka-clients' own message classes:
 * requests are written whole (blocking), answers read back in the order the requests went (Kafka answers a
 * connection's requests in order), so several may be in flight. ApiVersions is asked on connect and each API's
 * version is the highest both sides know, capped at what this sender is written for. Not thread-safe: the direct
 * sender's one thread owns it.
 */
final class KafkaWire implements AutoCloseable {

    /** The last Produce version that names topics (13 sends topic ids). */
    static final short PRODUCE_MAX = 12;
    static final short PRODUCE_MIN = 3; // record batches (magic 2), which idempotence needs
    static final short METADATA_MAX = 12;
    static final short INIT_PRODUCER_ID_MAX = 4;
    private static final short API_VERSIONS_VERSION = 3;

    final int nodeId;
    final String address;
    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final String clientId;
    private final ArrayDeque<Sent> inFlight = new ArrayDeque<>();
    private int correlation;
    private ByteBuffer sendBuffer = ByteBuffer.allocate(64 * 1024);
    private byte[] receiveBuffer = new byte[16 * 1024];
    short produceVersion = -1;
    short metadataVersion = -1;
    short initProducerIdVersion = -1;

    private record Sent(int correlation, ApiKeys key, short version) {}

    private KafkaWire(int nodeId, String address, Socket socket, String clientId) throws IOException {
        this.nodeId = nodeId;
        this.address = address;
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(socket.getInputStream());
        this.clientId = clientId;
    }

    /**
     * Connects to {@code host:port} and asks its API versions. Throws IOException when the broker cannot be
     * reached, does not answer within {@code readTimeoutMs}, or is too old to take record batches.
     */
    static KafkaWire connect(int nodeId, String host, int port, String clientId, int connectTimeoutMs, int readTimeoutMs,
                             int sendBufferBytes, int receiveBufferBytes) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            if (sendBufferBytes > 0) s.setSendBufferSize(sendBufferBytes);
            if (receiveBufferBytes > 0) s.setReceiveBufferSize(receiveBufferBytes);
            s.connect(new InetSocketAddress(host, port), connectTimeoutMs);
            s.setSoTimeout(readTimeoutMs);
            KafkaWire w = new KafkaWire(nodeId, host + ":" + port, s, clientId);
            w.negotiate();
            return w;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void negotiate() throws IOException {
        ApiVersionsRequestData ask = new ApiVersionsRequestData().setClientSoftwareName("outrigger").setClientSoftwareVersion("1");
        send(ApiKeys.API_VERSIONS, API_VERSIONS_VERSION, ask);
        ApiVersionsResponseData answer = new ApiVersionsResponseData(new ByteBufferAccessor(receive()), API_VERSIONS_VERSION);
        // a broker that does not know v3 answers UNSUPPORTED_VERSION in v0 form, with its versions all the same
        if (answer.errorCode() != 0 && answer.errorCode() != Errors.UNSUPPORTED_VERSION.code()) {
            throw new IOException("broker " + address + " refused ApiVersions: " + Errors.forCode(answer.errorCode()));
        }
        produceVersion = pick(answer, ApiKeys.PRODUCE, PRODUCE_MAX);
        metadataVersion = pick(answer, ApiKeys.METADATA, METADATA_MAX);
        initProducerIdVersion = pick(answer, ApiKeys.INIT_PRODUCER_ID, INIT_PRODUCER_ID_MAX);
        if (produceVersion < PRODUCE_MIN || metadataVersion < 1) {
            throw new IOException("broker " + address + " is too old: it takes Produce up to v" + produceVersion
                    + ", record batches need v" + PRODUCE_MIN);
        }
    }

    private static short pick(ApiVersionsResponseData answer, ApiKeys key, short ours) {
        ApiVersionsResponseData.ApiVersion v = answer.apiKeys().find(key.id);
        if (v == null || v.minVersion() > ours) return -1;
        return (short) Math.min(ours, v.maxVersion());
    }

    /** Writes one request; its answer is read by a later {@link #receive()}, after those sent before it. */
    void send(ApiKeys key, short version, Message body) throws IOException {
        int id = ++correlation;
        RequestHeaderData header = new RequestHeaderData().setRequestApiKey(key.id).setRequestApiVersion(version)
                .setClientId(clientId).setCorrelationId(id);
        short headerVersion = key.requestHeaderVersion(version);
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = header.size(cache, headerVersion) + body.size(cache, version);
        if (sendBuffer.capacity() < size + 4) sendBuffer = ByteBuffer.allocate(Math.max(size + 4, sendBuffer.capacity() * 2));
        ByteBuffer b = sendBuffer.clear();
        b.putInt(size);
        ByteBufferAccessor accessor = new ByteBufferAccessor(b);
        header.write(accessor, cache, headerVersion);
        body.write(accessor, cache, version);
        out.write(b.array(), 0, b.position());
        out.flush();
        inFlight.addLast(new Sent(id, key, version));
    }

    /**
     * The body of the answer to the oldest request in flight, valid until the next receive. Throws IOException
     * when the connection fails or the answer does not come within the read timeout (the connection is then of no
     * further use: close it).
     */
    ByteBuffer receive() throws IOException {
        Sent sent = inFlight.peekFirst();
        if (sent == null) throw new IllegalStateException("no request in flight");
        int size = in.readInt();
        if (size < 0 || size > 64 << 20) throw new IOException("broker " + address + " sent a frame of " + size + " bytes");
        if (receiveBuffer.length < size) receiveBuffer = new byte[Math.max(size, receiveBuffer.length * 2)];
        in.readFully(receiveBuffer, 0, size);
        ByteBuffer b = ByteBuffer.wrap(receiveBuffer, 0, size);
        ResponseHeaderData header = new ResponseHeaderData(new ByteBufferAccessor(b), sent.key.responseHeaderVersion(sent.version));
        if (header.correlationId() != sent.correlation) {
            throw new IOException("broker " + address + " answered request " + header.correlationId() + ", expected "
                    + sent.correlation);
        }
        inFlight.removeFirst();
        return b;
    }

    /** True when an answer is waiting to be read (at least its first bytes have arrived): receive will not wait long. */
    boolean hasAnswer() {
        try {
            return !inFlight.isEmpty() && in.available() > 0;
        } catch (IOException e) {
            return !inFlight.isEmpty(); // receive() reports it
        }
    }

    /** Requests written whose answers have not been read. */
    int inFlight() { return inFlight.size(); }

    @Override public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override public String toString() { return "broker " + nodeId + " at " + address; }
}
