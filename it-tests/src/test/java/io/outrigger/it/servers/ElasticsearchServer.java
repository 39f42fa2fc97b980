package io.outrigger.it.servers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real single-node Elasticsearch 9 for integration tests, from the integ-test-zip distribution that the
 * it-tests build unpacks into {@code target/elasticsearch} (override with {@code -Doutrigger.es.home=DIR}).
 *
 * <p>Elasticsearch refuses to run as root, and CI runs as root: then the harness creates the system user
 * {@value #USER} if missing ({@code useradd -r -M}), copies the distribution into a temporary directory owned by
 * that user (so no directory on the way to the build tree needs opening up) and starts it through
 * {@code runuser} (or {@code setpriv}). As any other user it starts it directly. Security is off, heap 512m,
 * HTTP and transport on free loopback ports, disk watermarks off. Start one per test class ({@link #start()} in
 * {@code @BeforeAll}, {@link #close()} in {@code @AfterAll}); a JVM shutdown hook kills the process tree if a run
 * is cut short. A server that cannot start throws: tests fail, they are never skipped.
 */
public final class ElasticsearchServer implements AutoCloseable {

    public static final String USER = "outrigger-it";
    private static final Duration START_DEADLINE = Duration.ofSeconds(180);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path work;
    private final Path home;
    private final Path javaHome;
    private final boolean asRoot;
    private final int httpPort;
    private final int transportPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process process;
    private Thread shutdownHook;

    private ElasticsearchServer(Path work, Path home, Path javaHome, boolean asRoot, int httpPort, int transportPort) {
        this.work = work;
        this.home = home;
        this.javaHome = javaHome;
        this.asRoot = asRoot;
        this.httpPort = httpPort;
        this.transportPort = transportPort;
    }

    /** Starts a fresh node and waits until its cluster is green or yellow. */
    public static ElasticsearchServer start() throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Path dist = distribution();
        boolean root = isRoot();
        if (root) ensureUser();
        Path work = Files.createTempDirectory("outrigger-es-");
        Path home = dist;
        if (root) {
            home = work.resolve("home");
            copyTree(dist, home);
        }
        Path conf = work.resolve("config");
        copyTree(dist.resolve("config"), conf);
        Files.createDirectories(work.resolve("data"));
        Files.createDirectories(work.resolve("logs"));
        Files.createDirectories(work.resolve("tmp"));
        int httpPort = freePort();
        int transportPort = freePort();
        Files.writeString(conf.resolve("elasticsearch.yml"), String.join("\n",
                "cluster.name: outrigger-it",
                "node.name: it-node",
                "discovery.type: single-node",
                "network.host: 127.0.0.1",
                "http.port: " + httpPort,
                "transport.port: " + transportPort,
                "path.data: " + work.resolve("data"),
                "path.logs: " + work.resolve("logs"),
                "xpack.security.enabled: false",
                "bootstrap.memory_lock: false",
                "cluster.routing.allocation.disk.threshold_enabled: false",
                "action.destructive_requires_name: false",
                ""));
        if (root) run(List.of("chown", "-R", USER + ":", work.toString()));
        System.err.printf("Elasticsearch prepared in %s in %d ms%n", work, (System.nanoTime() - t0) / 1_000_000);
        ElasticsearchServer server = new ElasticsearchServer(work, home, javaHome(), root, httpPort, transportPort);
        server.launch();
        return server;
    }

    public String url() { return "http://127.0.0.1:" + httpPort; }

    public int port() { return httpPort; }

    /**
     * Stops the node abruptly, as a crash or an OOM kill would (SIGKILL to the process tree; acknowledged writes
     * are safe in Elasticsearch's translog); the data stays for {@link #restart()}.
     */
    public synchronized void stop() {
        if (process == null) return;
        killTree(process, Duration.ZERO);
        process = null;
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down already
            }
            shutdownHook = null;
        }
    }

    /** Starts the node again on the same ports and data (after {@link #stop()}). */
    public synchronized void restart() throws IOException, InterruptedException {
        stop();
        launch();
    }

    public boolean isRunning() { return process != null && process.isAlive(); }

    @Override public void close() {
        stop();
        try {
            deleteTree(work);
        } catch (IOException e) {
            System.err.println("could not delete " + work + ": " + e.getMessage());
        }
    }

    // ---- queries for assertions ----

    /** Makes recent writes searchable. */
    public void refresh(String index) throws IOException, InterruptedException {
        request("POST", "/" + index + "/_refresh", null);
    }

    /** Refreshes and counts the documents of an index, data stream or pattern. */
    public long count(String index) throws IOException, InterruptedException {
        refresh(index);
        return request("GET", "/" + index + "/_count", null).get("count").asLong();
    }

    /** Refreshes and returns the {@code _source} of the hits of a query ({@code {"query": ...}}), up to 1000. */
    public List<JsonNode> search(String index, String queryJson) throws IOException, InterruptedException {
        refresh(index);
        JsonNode q = JSON.readTree(queryJson == null ? "{}" : queryJson);
        ((com.fasterxml.jackson.databind.node.ObjectNode) q).put("size", 1000);
        JsonNode res = request("POST", "/" + index + "/_search", JSON.writeValueAsString(q));
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode hit : res.path("hits").path("hits")) out.add(hit);
        return out;
    }

    /** All documents' {@code _source}. */
    public List<JsonNode> sources(String index) throws IOException, InterruptedException {
        return search(index, "{\"query\":{\"match_all\":{}}}").stream().map(h -> h.get("_source")).toList();
    }

    /** Any request; throws on a non-2xx answer. Returns the JSON body (or null for an empty one). */
    public JsonNode request(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(60));
        if (json == null) b.method(method, HttpRequest.BodyPublishers.noBody());
        else b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body().isEmpty() ? null : JSON.readTree(r.body());
    }

    // ---- process handling ----

    private void launch() throws IOException, InterruptedException {
        Path console = work.resolve("logs").resolve("console.log");
        List<String> cmd = new ArrayList<>();
        if (asRoot) {
            String runuser = firstExisting("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser");
            if (runuser != null) {
                cmd.addAll(List.of(runuser, "-u", USER, "--"));
            } else {
                String setpriv = firstExisting("/usr/bin/setpriv", "/bin/setpriv");
                if (setpriv == null) throw new IllegalStateException("running as root, but neither runuser nor setpriv is installed");
                cmd.addAll(List.of(setpriv, "--reuid=" + USER, "--regid=" + USER, "--init-groups", "--"));
            }
        }
        cmd.addAll(List.of("env", "-u", "JAVA_HOME", "-u", "JAVA_TOOL_OPTIONS", "-u", "_JAVA_OPTIONS",
                "HOME=" + work, "ES_JAVA_HOME=" + javaHome, "ES_PATH_CONF=" + work.resolve("config"),
                "ES_JAVA_OPTS=-Xms512m -Xmx512m -XX:ActiveProcessorCount=2 -XX:TieredStopAtLevel=1",
                "ES_TMPDIR=" + work.resolve("tmp"),
                home.resolve("bin").resolve("elasticsearch").toString()));
        Path tmp = work.resolve("tmp");
        if (!Files.isDirectory(tmp)) {
            Files.createDirectories(tmp);
            if (asRoot) run(List.of("chown", USER + ":", tmp.toString()));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(work.resolve("logs").toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        process = p;
        shutdownHook = new Thread(() -> killTree(p, Duration.ofSeconds(10)), "elasticsearch-killer");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        long started = System.nanoTime();
        long deadline = started + START_DEADLINE.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                process = null;
                throw new IllegalStateException("Elasticsearch exited with " + p.exitValue() + " during start; last lines of "
                        + console + ":\n" + tail(console, 40));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url()
                        + "/_cluster/health?wait_for_status=yellow&timeout=2s")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    String status = JSON.readTree(r.body()).path("status").asText();
                    if (status.equals("green") || status.equals("yellow")) {
                        System.err.printf("Elasticsearch %s at %s healthy after %d ms%n", status, url(),
                                (System.nanoTime() - started) / 1_000_000);
                        return;
                    }
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        stop();
        throw new IllegalStateException("Elasticsearch did not become healthy within " + START_DEADLINE.toSeconds()
                + "s (last answer: " + last + "); last lines of " + console + ":\n" + tail(console, 40));
    }

    /** SIGTERM to the process and all its descendants, wait, then SIGKILL what is left. */
    private static void killTree(Process p, Duration grace) {
        List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
        all.add(p.toHandle());
        if (grace.isZero()) {
            for (ProcessHandle h : all) h.destroyForcibly();
        } else {
            for (ProcessHandle h : all) h.destroy();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle h : all) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) h.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                // fall through to the forcible kill
            }
        }
        for (ProcessHandle h : all) {
            if (h.isAlive()) h.destroyForcibly();
        }
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // nothing more to do
            }
        }
    }

    // ---- setup helpers ----

    private static Path distribution() throws IOException {
        String override = System.getProperty("outrigger.es.home");
        if (override != null) return Path.of(override).toAbsolutePath();
        Path base = Path.of("target", "elasticsearch").toAbsolutePath();
        if (Files.isDirectory(base)) {
            try (Stream<Path> s = Files.list(base)) {
                List<Path> found = s.filter(d -> Files.isExecutable(d.resolve("bin").resolve("elasticsearch"))).sorted().toList();
                if (!found.isEmpty()) return found.getLast();
            }
        }
        throw new IllegalStateException("no Elasticsearch distribution under " + base
                + ": run the it-tests build (./mvnw -pl it-tests -am verify), which unpacks it, or set -Doutrigger.es.home");
    }

    private static Path javaHome() {
        Path current = Path.of(System.getProperty("java.home"));
        if (Runtime.version().feature() >= 21 && Files.isExecutable(current.resolve("bin").resolve("java"))) return current;
        String env = System.getenv("ES_JAVA_HOME");
        if (env != null) return Path.of(env);
        return Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
    }

    private static boolean isRoot() throws IOException, InterruptedException {
        return run(List.of("id", "-u")).strip().equals("0");
    }

    /** Creates the unprivileged user Elasticsearch runs as, unless it exists. */
    private static synchronized void ensureUser() throws IOException, InterruptedException {
        Process check = new ProcessBuilder("id", "-u", USER).redirectErrorStream(true).start();
        check.getInputStream().readAllBytes();
        if (check.waitFor() == 0) return;
        String useradd = firstExisting("/usr/sbin/useradd", "/sbin/useradd");
        if (useradd == null) throw new IllegalStateException("running as root and user " + USER + " is missing, but useradd is not installed");
        Process add = new ProcessBuilder(useradd, "-r", "-M", "-s", "/usr/sbin/nologin", USER).redirectErrorStream(true).start();
        String out = new String(add.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        // exit 9: created meanwhile by a concurrent run
        int rc = add.waitFor();
        if (rc != 0 && rc != 9) throw new IllegalStateException("useradd " + USER + " failed (" + rc + "): " + out);
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out);
        return out;
    }

    private static String firstExisting(String... paths) {
        for (String s : paths) if (Files.isExecutable(Path.of(s))) return s;
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES,
                        StandardCopyOption.REPLACE_EXISTING);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    @Override public String toString() { return "ElasticsearchServer[" + url() + ", " + work + "]"; }

    /** For tests that want the settings they run against. */
    public Map<String, String> describe() {
        return Map.of("url", url(), "home", home.toString(), "work", work.toString(), "user", asRoot ? USER : System.getProperty("user.name"));
    }
}
