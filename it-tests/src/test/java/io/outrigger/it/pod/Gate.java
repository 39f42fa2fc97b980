package io.outrigger.it.pod;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP pass-through on the host's loopback in front of a receiver, that can hold requests: while closed, a
 * request waits (as on a slow server) and goes on when the gate opens. The Pod test closes it so that pushes are
 * in flight when the sidecar gets SIGTERM. Requests pass one at a time, in the order they came (held ones too).
 */
final class Gate implements AutoCloseable {

    private static final List<String> HEADERS = List.of("Content-Type", "Content-Encoding", "X-Scope-OrgID");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "gate");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient client = HttpClient.newHttpClient();
    private final String target;
    private final Object lock = new Object();
    private boolean closed;
    private long nextTicket;
    private long serving;

    private Gate(String target) throws IOException {
        this.target = target;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::forward);
        server.start();
    }

    /** A gate in front of the receiver at {@code target} (e.g. {@code http://127.0.0.1:41234}), open. */
    static Gate start(String target) throws IOException { return new Gate(target); }

    int port() { return server.getAddress().getPort(); }

    /** From now on requests wait. */
    void hold() {
        synchronized (lock) { closed = true; }
    }

    /** Requests go on. */
    void release() {
        synchronized (lock) {
            closed = false;
            lock.notifyAll();
        }
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            long ticket;
            synchronized (lock) {
                ticket = nextTicket++;
                while (closed || ticket != serving) lock.wait();
            }
            try {
                pass(exchange, body);
            } finally {
                synchronized (lock) {
                    serving++;
                    lock.notifyAll();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void pass(HttpExchange exchange, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        for (String h : HEADERS) {
            String v = exchange.getRequestHeaders().getFirst(h);
            if (v != null) req.header(h, v);
        }
        HttpResponse<byte[]> resp = client.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
        resp.headers().firstValue("Content-Type").ifPresent(v -> exchange.getResponseHeaders().add("Content-Type", v));
        exchange.sendResponseHeaders(resp.statusCode(), resp.body().length == 0 ? -1 : resp.body().length);
        if (resp.body().length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(resp.body());
            }
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        executor.shutdownNow();
    }
}
