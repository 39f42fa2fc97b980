package io.outrigger.agent.cli;

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
 * A stand-in for Elasticsearch's bulk API on loopback, for the AOT training run only: {@code POST /_bulk} (gzip or
 * not) is answered {@code 200 {"took":1,"errors":false,"items":[]}} as a cluster that took every document, so the
 * training goes through the elasticsearch output's whole path (its HTTP client, the bulk encoding, the answer's
 * parsing) and the cache holds those classes. It counts the documents (action and source line pairs) and keeps
 * nothing; anything else gets 404.
 */
final class TrainingElasticsearch implements AutoCloseable {

    private static final byte[] ACCEPTED = "{\"took\":1,\"errors\":false,\"items\":[]}".getBytes(StandardCharsets.UTF_8);
    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicLong documents = new AtomicLong();

    TrainingElasticsearch() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "outrigger-aot-train-elasticsearch");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The URL to give the output. */
    String url() { return "http://127.0.0.1:" + server.getAddress().getPort(); }

    /** Documents taken so far. */
    long documents() { return documents.get(); }

    private void handle(HttpExchange e) throws IOException {
        try (e) {
            if (!e.getRequestMethod().equals("POST") || !e.getRequestURI().getPath().endsWith("/_bulk")) {
                e.getRequestBody().transferTo(OutputStream.nullOutputStream());
                e.sendResponseHeaders(404, -1);
                return;
            }
            long lines = 0;
            try (InputStream body = "gzip".equalsIgnoreCase(e.getRequestHeaders().getFirst("Content-Encoding"))
                    ? new GZIPInputStream(e.getRequestBody()) : e.getRequestBody()) {
                byte[] buf = new byte[64 * 1024];
                for (int n; (n = body.read(buf)) > 0; ) {
                    for (int i = 0; i < n; i++) if (buf[i] == '\n') lines++;
                }
            }
            documents.addAndGet(lines / 2);
            e.getResponseHeaders().set("Content-Type", "application/json");
            e.getResponseHeaders().set("X-Elastic-Product", "Elasticsearch");
            e.sendResponseHeaders(200, ACCEPTED.length);
            e.getResponseBody().write(ACCEPTED);
        }
    }

    @Override public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
