package io.outrigger.outputs.kafka;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
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
    private final SocketChannel channel;
    private final Selector selector;
    private final int timeoutMs;
    private final String clientId;
    private final ByteBuffer sizeBuffer = ByteBuffer.allocate(4);
    private final ArrayDeque<Sent> inFlight = new ArrayDeque<>();
    private int correlation;
    private ByteBuffer sendBuffer = ByteBuffer.allocate(64 * 1024);
    private byte[] receiveBuffer = new byte[16 * 1024];
    short produceVersion = -1;
    short metadataVersion = -1;
    short initProducerIdVersion = -1;

    private record Sent(int correlation, ApiKeys key, short version) {}

    private KafkaWire(int nodeId, String address, SocketChannel channel, Selector selector, int timeoutMs, String clientId) {
        this.nodeId = nodeId;
        this.address = address;
        this.channel = channel;
        this.selector = selector;
        this.timeoutMs = timeoutMs;
        this.clientId = clientId;
    }

    /**
     * Connects to {@code host:port} and asks its API versions. Throws IOException when the broker cannot be
     * reached within {@code connectTimeoutMs}, does not take or answer a request within {@code timeoutMs}, or is
     * too old to take record batches. Reads and writes both time out: a broker that stops reading cannot hold the
     * sender.
     */
    static KafkaWire connect(int nodeId, String host, int port, String clientId, int connectTimeoutMs, int timeoutMs,
                             int sendBufferBytes, int receiveBufferBytes) throws IOException {
        SocketChannel ch = SocketChannel.open();
        Selector selector = null;
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            if (sendBufferBytes > 0) ch.setOption(StandardSocketOptions.SO_SNDBUF, sendBufferBytes);
            if (receiveBufferBytes > 0) ch.setOption(StandardSocketOptions.SO_RCVBUF, receiveBufferBytes);
            ch.configureBlocking(false);
            selector = Selector.open();
            SelectionKey key = ch.register(selector, SelectionKey.OP_CONNECT);
            if (!ch.connect(new InetSocketAddress(host, port))) {
                if (selector.select(Math.max(1, connectTimeoutMs)) == 0) {
                    throw new SocketTimeoutException("connecting to " + host + ":" + port + " took over " + connectTimeoutMs + " ms");
                }
                selector.selectedKeys().clear();
                ch.finishConnect();
            }
            key.interestOps(0);
            KafkaWire w = new KafkaWire(nodeId, host + ":" + port, ch, selector, timeoutMs, clientId);
            w.negotiate();
            return w;
        } catch (IOException | RuntimeException e) {
            ch.close();
            if (selector != null) selector.close();
            throw e;
        }
    }

    private void negotiate() throws IOException {
        ApiVersionsResponseData answer = apiVersions(API_VERSIONS_VERSION);
        if (answer.errorCode() == Errors.UNSUPPORTED_VERSION.code()) {
            // a broker before 2.4 answers v3 with UNSUPPORTED_VERSION in v0 form, listing the ApiVersions versions it
            // knows: ask again in the highest of them
            ApiVersionsResponseData.ApiVersion v = answer.apiKeys().find(ApiKeys.API_VERSIONS.id);
            short version = v == null ? 0 : (short) Math.min(API_VERSIONS_VERSION - 1, v.maxVersion());
            answer = apiVersions(version);
        }
        if (answer.errorCode() != 0) {
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

    /** ApiVersions asked in {@code version}; an answer that does not parse in it is read as v0, as brokers fall back. */
    private ApiVersionsResponseData apiVersions(short version) throws IOException {
        ApiVersionsRequestData ask = new ApiVersionsRequestData();
        if (version >= 3) ask.setClientSoftwareName("outrigger").setClientSoftwareVersion("1");
        send(ApiKeys.API_VERSIONS, version, ask);
        ByteBuffer body = receive();
        int at = body.position();
        try {
            return new ApiVersionsResponseData(new ByteBufferAccessor(body), version);
        } catch (RuntimeException e) {
            body.position(at);
            return new ApiVersionsResponseData(new ByteBufferAccessor(body), (short) 0);
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
        b.flip();
        transfer(b, SelectionKey.OP_WRITE);
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
        transfer(sizeBuffer, SelectionKey.OP_READ); // may hold bytes hasAnswer() read already
        int size = sizeBuffer.getInt(0);
        sizeBuffer.clear();
        if (size < 0 || size > 64 << 20) throw new IOException("broker " + address + " sent a frame of " + size + " bytes");
        if (receiveBuffer.length < size) receiveBuffer = new byte[Math.max(size, receiveBuffer.length * 2)];
        ByteBuffer b = ByteBuffer.wrap(receiveBuffer, 0, size);
        transfer(b, SelectionKey.OP_READ);
        b.flip();
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
        if (inFlight.isEmpty()) return false;
        if (sizeBuffer.position() > 0) return true;
        try {
            return channel.read(sizeBuffer) != 0; // -1 too: receive() reports the closed connection
        } catch (IOException e) {
            return true; // receive() reports it
        }
    }

    /**
     * Writes all of {@code b} ({@code OP_WRITE}) or fills it ({@code OP_READ}), waiting at most the timeout for
     * the broker to take or send each part.
     */
    private void transfer(ByteBuffer b, int op) throws IOException {
        SelectionKey key = channel.keyFor(selector);
        while (b.hasRemaining()) {
            int n = op == SelectionKey.OP_WRITE ? channel.write(b) : channel.read(b);
            if (n < 0) throw new EOFException("broker " + address + " closed the connection");
            if (n > 0) continue;
            key.interestOps(op);
            int ready = selector.select(timeoutMs);
            key.interestOps(0);
            selector.selectedKeys().clear();
            if (ready == 0) {
                throw new SocketTimeoutException("broker " + address + (op == SelectionKey.OP_WRITE ? " took" : " sent")
                        + " nothing for " + timeoutMs + " ms");
            }
        }
    }

    /** Requests written whose answers have not been read. */
    int inFlight() { return inFlight.size(); }

    @Override public void close() {
        try {
            channel.close();
            selector.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override public String toString() { return "broker " + nodeId + " at " + address; }
}
