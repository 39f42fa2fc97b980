package io.outrigger.it.servers;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A real Prometheus (Debian's {@code prometheus} package, {@code /usr/bin/prometheus}) started for a test class:
 * fresh TSDB in a temp dir, remote write receiver on, optional 1s scrape jobs, listening on 127.0.0.1 at a free
 * port. Stopped by {@link #close()}, and killed on JVM exit in any case. When the binary is missing the test fails:
 * {@code .ci/run} must install it ({@code apt-get install -y prometheus}).
 */
public final class PrometheusServer implements AutoCloseable {

    public static final Path BINARY = Path.of(System.getenv().getOrDefault("PROMETHEUS_BIN", "/usr/bin/prometheus"));
    private static final Duration START_DEADLINE = Duration.ofSeconds(60);

    /** One element of an instant-query vector: the series' labels (with {@code __name__}) and its value. */
    public record Sample(Map<String, String> labels, double value) {}

    private final Process process;
    private final Path dir;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final Thread killer;

    private PrometheusServer(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.killer = new Thread(process::destroyForcibly, "prometheus-killer");
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /**
     * Starts Prometheus and waits for {@code /-/ready}.
     *
     * @param scrapeTargets {@code host:port} targets scraped every second at {@code /metrics} under job {@code outrigger}
     */
    public static PrometheusServer start(List<String> scrapeTargets) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            fail("Prometheus binary not found at " + BINARY + ": the metrics it-tests need a real Prometheus; "
                    + ".ci/run must install it (apt-get update && apt-get install -y prometheus)");
        }
        Path dir = Files.createTempDirectory("outrigger-prometheus-");
        StringBuilder cfg = new StringBuilder("""
                global:
                  scrape_interval: 1s
                  scrape_timeout: 900ms
                  evaluation_interval: 1s
                """);
        if (!scrapeTargets.isEmpty()) {
            cfg.append("scrape_configs:\n  - job_name: outrigger\n    static_configs:\n      - targets: [");
            for (int i = 0; i < scrapeTargets.size(); i++) {
                cfg.append(i > 0 ? ", " : "").append('\'').append(scrapeTargets.get(i)).append('\'');
            }
            cfg.append("]\n");
        }
        Files.writeString(dir.resolve("prometheus.yml"), cfg);
        int port = freePort();
        Process p = new ProcessBuilder(BINARY.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--web.enable-remote-write-receiver",
                "--log.level=warn")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
        PrometheusServer s = new PrometheusServer(p, dir, port);
        try {
            s.awaitReady();
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void awaitReady() throws InterruptedException, IOException {
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) fail("Prometheus exited with " + process.exitValue() + " before it was ready:\n" + log());
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/-/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) return;
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        fail("Prometheus not ready within " + START_DEADLINE.toSeconds() + "s:\n" + log());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public String url() { return "http://127.0.0.1:" + port; }

    /** The remote write 1.0 endpoint ({@code --web.enable-remote-write-receiver}). */
    public String remoteWriteUrl() { return url() + "/api/v1/write"; }

    /** Runs an instant query now; returns its vector (an empty list when nothing matches). */
    public List<Sample> query(String promql) throws IOException, InterruptedException {
        String q = URLEncoder.encode(promql, StandardCharsets.UTF_8);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/api/v1/query?query=" + q))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode root = json.readTree(r.body());
        if (r.statusCode() != 200 || !"success".equals(root.path("status").asText())) {
            throw new IOException("query " + promql + " failed: HTTP " + r.statusCode() + " " + r.body());
        }
        JsonNode data = root.path("data");
        List<Sample> out = new ArrayList<>();
        if ("scalar".equals(data.path("resultType").asText())) {
            out.add(new Sample(Map.of(), Double.parseDouble(data.path("result").get(1).asText())));
            return out;
        }
        for (JsonNode item : data.path("result")) {
            Map<String, String> labels = new TreeMap<>();
            item.path("metric").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
            out.add(new Sample(labels, Double.parseDouble(item.path("value").get(1).asText())));
        }
        return out;
    }

    /** Polls {@link #query} until {@code done} accepts its result or the deadline passes; returns the last result. */
    public List<Sample> awaitQuery(String promql, Duration deadline, Predicate<List<Sample>> done)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        List<Sample> last = query(promql);
        while (!done.test(last) && System.nanoTime() < end) {
            Thread.sleep(250);
            last = query(promql);
        }
        return last;
    }

    /** The tail of Prometheus' own log, for failure messages. */
    public String log() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("prometheus.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down
        }
        http.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }
}
