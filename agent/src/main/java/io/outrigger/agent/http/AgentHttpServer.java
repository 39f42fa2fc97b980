package io.outrigger.agent.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryPoolAllocationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.MetricNameFilter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;

/**
 * The agent's own HTTP endpoints, on the JDK's built-in server with two threads:
 * <ul>
 *   <li>{@code /metrics}: the registry in Prometheus text format, or OpenMetrics when the Accept header asks for it
 *       (as Prometheus does); gzip when accepted;</li>
 *   <li>{@code /healthz}: liveness, {@code 200 ok} while {@code alive} says so, else 503;</li>
 *   <li>{@code /readyz}: readiness as JSON ({@link Readiness#toJson()}), 200 when ready, else 503.</li>
 * </ul>
 */
public final class AgentHttpServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(AgentHttpServer.class.getName());

    private final Supplier<PrometheusRegistry> registry;
    private final BooleanSupplier alive;
    private final Supplier<Readiness> readiness;
    private final ExpositionFormats formats = ExpositionFormats.init();
    private HttpServer server;
    private ExecutorService executor;
    private final java.util.Map<String, com.sun.net.httpserver.HttpHandler> extra = new java.util.LinkedHashMap<>();

    /** Serves {@code handler} on {@code path} too (the tap); call before {@link #start}. */
    public synchronized void serve(String path, com.sun.net.httpserver.HttpHandler handler) { extra.put(path, handler); }

    public AgentHttpServer(PrometheusRegistry registry, BooleanSupplier alive, Supplier<Readiness> readiness) {
        this(() -> registry, alive, readiness);
        Objects.requireNonNull(registry, "registry");
    }

    /** Serves whichever registry {@code registry} gives at each scrape (it changes when the config is reloaded). */
    public AgentHttpServer(Supplier<PrometheusRegistry> registry, BooleanSupplier alive, Supplier<Readiness> readiness) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.alive = Objects.requireNonNull(alive, "alive");
        this.readiness = Objects.requireNonNull(readiness, "readiness");
    }

    private static final java.util.Set<PrometheusRegistry> JVM_METRICS_REGISTERED =
            java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>());

    /**
     * Registers the JVM's and the process's metrics (memory, GC, threads, classes, CPU, RSS...) once in
     * {@code registry} ({@code /metrics} does it on a registry's first scrape): what {@code JvmMetrics} registers but its native-memory metrics, which only report with
     * {@code -XX:NativeMemoryTracking} (off in our launchers) and whose probe alone cost ~160 ms of CPU at start.
     */
    public static void registerJvmMetrics(PrometheusRegistry registry) {
        synchronized (JVM_METRICS_REGISTERED) {
            if (!JVM_METRICS_REGISTERED.add(registry)) return; // once per registry, as JvmMetrics does
        }
        JvmThreadsMetrics.builder().register(registry);
        JvmBufferPoolMetrics.builder().register(registry);
        JvmClassLoadingMetrics.builder().register(registry);
        JvmCompilationMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmMemoryPoolAllocationMetrics.builder().register(registry);
        JvmMemoryMetrics.builder().register(registry);
        JvmRuntimeInfoMetric.builder().register(registry);
        ProcessMetrics.builder().register(registry);
    }

    /**
     * Checks a {@code listen} value: empty (disabled), {@code host:port}, {@code :port} (every interface) or
     * {@code [::1]:port}; port 0 picks a free one. Returns null when it is fine, else what is wrong.
     */
    public static String checkListen(String listen) {
        if (listen == null || listen.isBlank()) return null;
        try {
            address(listen);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    static InetSocketAddress address(String listen) {
        String s = listen.trim();
        int colon = s.lastIndexOf(':');
        String bad = "invalid listen address \"" + listen + "\" (expected host:port, e.g. 0.0.0.0:9100, :9100 or 127.0.0.1:0)";
        if (colon < 0) throw new IllegalArgumentException(bad);
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(bad);
        }
        if (port < 0 || port > 65535) throw new IllegalArgumentException(bad);
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    /** Starts serving on {@code listen}; empty or null means disabled (nothing is started). */
    public synchronized void start(String listen) throws IOException {
        if (listen == null || listen.isBlank()) return;
        if (server != null) throw new IllegalStateException("already started on port " + port());
        InetSocketAddress addr = address(listen);
        HttpServer s = HttpServer.create(addr, 16);
        AtomicInteger n = new AtomicInteger();
        // two handler threads at most (a slow scrape does not hold up a probe), started by requests and ended
        // after 30 s without one: an agent nobody asks keeps none
        ThreadPoolExecutor ex = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "outrigger-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ex.allowCoreThreadTimeOut(true);
        s.setExecutor(ex);
        s.createContext("/metrics", this::metrics);
        s.createContext("/healthz", this::healthz);
        s.createContext("/readyz", this::readyz);
        extra.forEach(s::createContext);
        s.createContext("/", e -> respond(e, 404, "text/plain; charset=utf-8", bytes("not found: try /metrics, /healthz or /readyz\n"), false));
        s.start();
        server = s;
        executor = ex;
        LOG.log(System.Logger.Level.INFO, "serving /metrics, /healthz and /readyz on " + s.getAddress());
    }

    /** The bound port, or -1 when not started. */
    public synchronized int port() { return server == null ? -1 : server.getAddress().getPort(); }

    public synchronized void stop() {
        if (server == null) return;
        server.stop(0);
        executor.shutdownNow();
        server = null;
        executor = null;
    }

    @Override public void close() { stop(); }

    private void metrics(HttpExchange e) throws IOException {
        if (!allowed(e) || !exactPath(e, "/metrics")) return;
        try {
            String accept = e.getRequestHeaders().getFirst("Accept");
            ExpositionFormatWriter writer = formats.findWriter(accept);
            if (!writer.isAvailable()) writer = formats.getPrometheusTextFormatWriter(); // protobuf needs a library we do not ship
            ByteArrayOutputStream buf = new ByteArrayOutputStream(16 * 1024);
            PrometheusRegistry r = registry.get();
            withJvmMetrics(r);
            Set<String> names = requestedNames(e.getRequestURI().getRawQuery());
            writer.write(buf, names.isEmpty() ? r.scrape() : r.scrape(MetricNameFilter.builder().nameMustBeEqualTo(names).build()));
            respond(e, 200, writer.getContentType(), buf.toByteArray(), acceptsGzip(e));
        } catch (RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "/metrics failed", ex);
            respond(e, 500, "text/plain; charset=utf-8", bytes("metrics collection failed: " + ex.getClass().getSimpleName() + "\n"), false);
        }
    }

    /**
     * The metric names a scrape asks for with {@code ?name[]=a&name[]=b}, as Prometheus' Java client serves them
     * (empty: all): a poller that wants one counter does not pay for collecting the JVM's metrics every time.
     */
    static Set<String> requestedNames(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) return Set.of();
        Set<String> names = new LinkedHashSet<>();
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) continue;
            String key = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (key.equals("name[]") && !value.isEmpty()) names.add(value);
        }
        return names;
    }

    /**
     * Registers the JVM metrics in {@code r} on its first scrape, not at start: they load a few hundred JMX classes,
     * which an agent nobody scrapes never needs, and which would otherwise compete with start-up.
     * A JVM that cannot give them (a trimmed runtime) is logged once; the rest of the metrics are served.
     */
    private void withJvmMetrics(PrometheusRegistry r) {
        try {
            registerJvmMetrics(r);
        } catch (RuntimeException | LinkageError ex) {
            if (!jvmMetricsFailed) LOG.log(System.Logger.Level.WARNING, "JVM metrics are not available: " + ex);
            jvmMetricsFailed = true;
        }
    }

    private volatile boolean jvmMetricsFailed;

    private void healthz(HttpExchange e) throws IOException {
        if (!allowed(e) || !exactPath(e, "/healthz")) return;
        boolean ok;
        try {
            ok = alive.getAsBoolean();
        } catch (RuntimeException ex) {
            ok = false;
        }
        respond(e, ok ? 200 : 503, "text/plain; charset=utf-8", bytes(ok ? "ok\n" : "not alive\n"), false);
    }

    private void readyz(HttpExchange e) throws IOException {
        if (!allowed(e) || !exactPath(e, "/readyz")) return;
        Readiness r;
        try {
            r = readiness.get();
        } catch (RuntimeException ex) {
            r = new Readiness(false, java.util.Map.of("agent", "failing: readiness check threw " + ex.getClass().getSimpleName()));
        }
        respond(e, r.ready() ? 200 : 503, "application/json", bytes(r.toJson()), false);
    }

    private static boolean allowed(HttpExchange e) throws IOException {
        String m = e.getRequestMethod();
        if (m.equals("GET") || m.equals("HEAD")) return true;
        e.getResponseHeaders().add("Allow", "GET, HEAD");
        respond(e, 405, "text/plain; charset=utf-8", bytes("method not allowed\n"), false);
        return false;
    }

    private static boolean exactPath(HttpExchange e, String path) throws IOException {
        if (e.getRequestURI().getPath().equals(path)) return true;
        respond(e, 404, "text/plain; charset=utf-8", bytes("not found\n"), false);
        return false;
    }

    private static boolean acceptsGzip(HttpExchange e) {
        String ae = e.getRequestHeaders().getFirst("Accept-Encoding");
        return ae != null && ae.toLowerCase(java.util.Locale.ROOT).contains("gzip");
    }

    private static void respond(HttpExchange e, int status, String contentType, byte[] body, boolean gzip) throws IOException {
        try (e) {
            byte[] out = body;
            if (gzip) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream(body.length / 4 + 64);
                try (GZIPOutputStream gz = new GZIPOutputStream(buf)) {
                    gz.write(body);
                }
                out = buf.toByteArray();
                e.getResponseHeaders().set("Content-Encoding", "gzip");
            }
            e.getResponseHeaders().set("Content-Type", contentType);
            boolean head = e.getRequestMethod().equals("HEAD");
            e.sendResponseHeaders(status, head ? -1 : out.length);
            if (!head) {
                try (OutputStream os = e.getResponseBody()) {
                    os.write(out);
                }
            }
        }
    }

    private static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }
}
