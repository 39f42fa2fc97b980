package io.outrigger.agent.aot;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * Stand-ins for the HTTP servers the outputs push to, on loopback, for the AOT training run only, so the training
 * goes through the elasticsearch and loki outputs' whole paths (their HTTP clients, encodings, the answers'
 * handling) and the cache holds those classes. They keep nothing:
 * <ul>
 *   <li>Elasticsearch's bulk API: {@code POST .../_bulk} (gzip or not) is answered
 *       {@code 200 {"took":1,"errors":false,"items":[]}}, as a cluster that took every document; the documents
 *       (action and source line pairs) are counted;</li>
 *   <li>Loki's push API: {@code POST /loki/api/v1/push} is answered 204, as Loki does; the pushes are counted.</li>
 * </ul>
 * Anything else gets 404.
 */
final class TrainingHttp implements AutoCloseable {

    private static final byte[] BULK_ACCEPTED = "{\"took\":1,\"errors\":false,\"items\":[]}".getBytes(StandardCharsets.UTF_8);
    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicLong documents = new AtomicLong();
    private final AtomicLong pushes = new AtomicLong();

    TrainingHttp() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "outrigger-aot-train-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The base URL to give an output. */
    String url() { return "http://127.0.0.1:" + server.getAddress().getPort(); }

    /** Elasticsearch documents taken so far. */
    long documents() { return documents.get(); }

    /** Loki pushes answered so far. */
    long pushes() { return pushes.get(); }

    private void handle(HttpExchange e) throws IOException {
        try (e) {
            String path = e.getRequestURI().getPath();
            boolean post = e.getRequestMethod().equals("POST");
            if (post && path.endsWith("/_bulk")) {
                documents.addAndGet(lines(e) / 2);
                e.getResponseHeaders().set("Content-Type", "application/json");
                e.getResponseHeaders().set("X-Elastic-Product", "Elasticsearch");
                e.sendResponseHeaders(200, BULK_ACCEPTED.length);
                e.getResponseBody().write(BULK_ACCEPTED);
            } else if (post && path.equals("/loki/api/v1/push")) {
                e.getRequestBody().transferTo(OutputStream.nullOutputStream());
                pushes.incrementAndGet();
                e.sendResponseHeaders(204, -1);
            } else {
                e.getRequestBody().transferTo(OutputStream.nullOutputStream());
                e.sendResponseHeaders(404, -1);
            }
        }
    }

    /** The request body's newline count. */
    private static long lines(HttpExchange e) throws IOException {
        long n = 0;
        try (InputStream body = "gzip".equalsIgnoreCase(e.getRequestHeaders().getFirst("Content-Encoding"))
                ? new GZIPInputStream(e.getRequestBody()) : e.getRequestBody()) {
            byte[] buf = new byte[64 * 1024];
            for (int r; (r = body.read(buf)) > 0; ) {
                for (int i = 0; i < r; i++) if (buf[i] == '\n') n++;
            }
        }
        return n;
    }

    @Override public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
