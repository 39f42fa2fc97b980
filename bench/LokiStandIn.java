import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.outrigger.outputs.loki.proto.LokiPush;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import org.xerial.snappy.Snappy;

/**
 * A Loki stand-in for bench/e2e.sh -o loki: a separate process that takes {@code POST /loki/api/v1/push}, decodes
 * every push as Loki's distributor does (Snappy block + {@code logproto.PushRequest}, or the JSON body, gzip
 * allowed), checks every stream has a label set and every entry a timestamp, and answers 204 after a fixed
 * latency (what a real Loki's ingesters take), or 400 with the reason when a push does not decode.
 * {@code GET /stats} answers "pushes entries line_bytes wire_bytes max_in_flight".
 *
 * <pre>java -cp agent/target/outrigger.jar bench/LokiStandIn.java [--port N] [--latency-ms 50]</pre>
 * It prints "listening on PORT" when ready. Uses the agent jar's own protobuf classes and Snappy, so nothing is built.
 */
public final class LokiStandIn {

    private static final AtomicLong pushes = new AtomicLong();
    private static final AtomicLong entries = new AtomicLong();
    private static final AtomicLong lineBytes = new AtomicLong();
    private static final AtomicLong wireBytes = new AtomicLong();
    private static final AtomicLong inFlight = new AtomicLong();
    private static final AtomicLong maxInFlight = new AtomicLong();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static long latencyMs = 50;

    public static void main(String[] args) throws Exception {
        int port = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--latency-ms" -> latencyMs = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (--port N, --latency-ms MS)");
            }
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor()); // a waiting push costs no platform thread
        server.createContext("/loki/api/v1/push", LokiStandIn::push);
        server.createContext("/stats", ex -> answer(ex, 200, pushes.get() + " " + entries.get() + " " + lineBytes.get() + " "
                + wireBytes.get() + " " + maxInFlight.get() + "\n"));
        server.start();
        System.out.println("listening on " + server.getAddress().getPort());
        System.out.flush();
    }

    private static void push(HttpExchange ex) throws IOException {
        long now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (!ex.getRequestMethod().equals("POST")) {
                answer(ex, 405, "");
                return;
            }
            String type = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"));
            long[] counted;
            try {
                counted = type.startsWith("application/json") ? decodeJson(ex, body) : decodeProtobuf(body);
            } catch (IOException | RuntimeException e) {
                answer(ex, 400, "loki stand-in: " + e.getMessage() + "\n");
                return;
            }
            Thread.sleep(latencyMs);
            pushes.incrementAndGet();
            entries.addAndGet(counted[0]);
            lineBytes.addAndGet(counted[1]);
            wireBytes.addAndGet(body.length);
            ex.sendResponseHeaders(204, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.decrementAndGet();
            ex.close();
        }
    }

    /** {entries, line bytes}. */
    private static long[] decodeProtobuf(byte[] body) throws IOException {
        if (!Snappy.isValidCompressedBuffer(body)) throw new IOException("snappy: corrupt input");
        LokiPush.PushRequest req = LokiPush.PushRequest.parseFrom(Snappy.uncompress(body));
        long n = 0, bytes = 0;
        for (LokiPush.StreamAdapter s : req.getStreamsList()) {
            checkLabels(s.getLabels());
            for (LokiPush.EntryAdapter e : s.getEntriesList()) {
                if (!e.hasTimestamp()) throw new IOException("entry without timestamp in stream " + s.getLabels());
                bytes += e.getLine().getBytes(StandardCharsets.UTF_8).length;
                n++;
            }
        }
        return new long[] {n, bytes};
    }

    private static long[] decodeJson(HttpExchange ex, byte[] body) throws IOException {
        InputStream in = new ByteArrayInputStream(body);
        if ("gzip".equals(ex.getRequestHeaders().getFirst("Content-Encoding"))) in = new GZIPInputStream(in);
        JsonNode root = JSON.readTree(in);
        long n = 0, bytes = 0;
        for (JsonNode s : root.path("streams")) {
            if (s.path("stream").isEmpty()) throw new IOException("stream without labels");
            for (JsonNode v : s.path("values")) {
                Long.parseLong(v.get(0).asText());
                bytes += v.get(1).asText().getBytes(StandardCharsets.UTF_8).length;
                n++;
            }
        }
        return new long[] {n, bytes};
    }

    /** The shape Loki's label parser accepts, roughly: {name="value", ...}, not empty. */
    private static void checkLabels(String labels) throws IOException {
        if (labels.length() < 5 || labels.charAt(0) != '{' || labels.charAt(labels.length() - 1) != '}' || labels.indexOf('=') < 0) {
            throw new IOException("error parsing labels '" + labels + "'");
        }
    }

    private static void answer(HttpExchange ex, int status, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        }
        ex.close();
    }
}
