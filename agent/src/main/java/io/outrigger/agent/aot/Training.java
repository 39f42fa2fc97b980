package io.outrigger.agent.aot;

import io.outrigger.agent.config.ConfigLoader;
import io.outrigger.agent.config.ComponentRegistry;
import io.outrigger.agent.config.PipelineConfig;
import io.outrigger.agent.http.AgentHttpServer;
import io.outrigger.agent.runtime.LogSetup;
import io.outrigger.agent.runtime.Supervisor;
import io.outrigger.core.config.ConfigException;
import io.outrigger.core.config.ConfigProblem;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The training workload for the JVM's AOT cache (JDK 25+, JEP 483/514/515), run by the hidden {@code outrigger
 * aot-train} command: the launchers run it once per build as {@code java <the run flags> -XX:AOTCacheOutput=...
 * -jar outrigger.jar aot-train}; the JVM records which classes were loaded and linked and writes the cache when it
 * exits. It runs the agent the way {@code run} does (a YAML file through the normal loader, the {@link Supervisor},
 * the HTTP server and its endpoints), tailing generated JSON and nginx lines from their head through {@code []},
 * {@code [json]} and {@code [regex nginx_combined]} pipelines into {@code file} outputs, waits until every line is
 * delivered, stops gracefully and deletes what it wrote. Nothing goes to stdout.
 *
 * <p>With {@code kafka}, a {@code [json]} pipeline of its own also feeds a {@code kafka} output, the one users run
 * (KafkaProducer), pointed at a loopback port where nothing listens: the producer is made and started, looks for
 * the cluster, and a batch's send times out and goes back to the shared sender to be retried, so the cache holds
 * those classes; the record batch and compression code loads at the first real delivery. No stand-in broker.
 * With {@code elasticsearch} and {@code loki}, the JSON also goes through those outputs to {@link TrainingHttp}'s
 * stand-ins for their push APIs on loopback, and counts as delivered there.
 */
public final class Training {

    /** The file outputs and which sample each one gets. */
    private static final String[] OUTPUTS = {"raw", "parsed", "nginx"};
    /** Lines the kafka pipeline reads: one batch is enough, none is ever delivered. */
    private static final int KAFKA_LINES = 500;

    private final Path parent;
    private final int lines;
    private final Duration timeout;
    private final boolean keep;
    private final boolean kafka;
    private final boolean elasticsearch;
    private final boolean loki;

    /**
     * @param parent where to make the temporary work directory
     * @param lines lines per sample file
     * @param keep keep the work directory instead of deleting it
     * @param kafka, elasticsearch, loki also train those outputs (see the class comment)
     */
    public Training(Path parent, int lines, Duration timeout, boolean keep, boolean kafka, boolean elasticsearch, boolean loki) {
        if (lines < 1 || timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("lines and timeout must be positive");
        this.parent = parent;
        this.lines = lines;
        this.timeout = timeout;
        this.keep = keep;
        this.kafka = kafka;
        this.elasticsearch = elasticsearch;
        this.loki = loki;
    }

    /** Runs the training, reporting to {@code err}; true when every line was delivered. */
    public boolean run(PrintWriter err) throws Exception {
        Files.createDirectories(parent);
        Path work = Files.createTempDirectory(parent, "outrigger-aot-train-");
        // a Ctrl-C or SIGTERM ends the JVM without the finally below
        Thread cleanup = new Thread(() -> deleteTree(work), "outrigger-aot-train-cleanup");
        if (!keep) Runtime.getRuntime().addShutdownHook(cleanup);
        long start = System.nanoTime();
        try {
            long delivered = train(work, err);
            long expected = (long) lines * deliveringOutputs();
            if (delivered != expected) {
                err.println("outrigger aot-train: " + delivered + " of " + expected + " records delivered within " + timeout.toSeconds() + "s");
                err.flush();
                return false;
            }
            err.printf("outrigger aot-train: %d records delivered in %.1fs%n", delivered, (System.nanoTime() - start) / 1e9);
            err.flush();
            return true;
        } finally {
            if (!keep) {
                deleteTree(work);
                Runtime.getRuntime().removeShutdownHook(cleanup);
            }
        }
    }

    /** Runs the agent on generated samples under {@code work}; returns the records its outputs delivered. */
    private long train(Path work, PrintWriter err) throws Exception {
        writeSamples(work);
        try (TrainingHttp http = elasticsearch || loki ? new TrainingHttp() : null) {
            return train(work, http, err);
        }
    }

    /** The outputs every sample line must reach: the file outputs, elasticsearch and loki when asked (not kafka). */
    private int deliveringOutputs() { return OUTPUTS.length + (elasticsearch ? 1 : 0) + (loki ? 1 : 0); }

    /** {@code servers}: null without {@code elasticsearch} and {@code loki}. */
    private long train(Path work, TrainingHttp servers, PrintWriter err) throws Exception {
        Path yaml = work.resolve("pipeline.yaml");
        Files.writeString(yaml, config(work, kafka ? closedPort() : null, elasticsearch ? servers.url() : null,
                loki ? servers.url() : null));
        PipelineConfig loaded;
        try {
            loaded = new ConfigLoader(System.getenv(), ComponentRegistry.load()).load(yaml);
        } catch (ConfigException e) {
            err.println("outrigger aot-train: the training config has problems:");
            for (ConfigProblem p : e.problems()) err.println("  " + p);
            return -1;
        }
        LogSetup.configure(loaded.agent().logFormat(), loaded.agent().logLevel());
        Supervisor supervisor = new Supervisor(loaded, System.getenv());
        AgentHttpServer http = new AgentHttpServer(supervisor.registry(), () -> supervisor.agent().isAlive(), supervisor::readiness);
        long deadline = System.nanoTime() + timeout.toNanos();
        long expected = (long) lines * deliveringOutputs();
        long sent;
        try {
            supervisor.start();
            http.start(loaded.agent().httpListen());
            get(http.port(), "/readyz");
            while (((sent = counter(supervisor, "outrigger_output_records_sent", null)) < expected
                    || kafka && counter(supervisor, "outrigger_output_retries", "kafka") < 1)
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            // what a Prometheus scrape and the kubelet's probes do
            get(http.port(), "/metrics");
            get(http.port(), "/healthz");
            get(http.port(), "/readyz");
        } finally {
            supervisor.stop();
            http.stop();
        }
        sent = counter(supervisor, "outrigger_output_records_sent", null);
        if (kafka && counter(supervisor, "outrigger_output_retries", "kafka") < 1) {
            err.println("outrigger aot-train: the kafka output made no attempt to send");
            return 0;
        }
        if (elasticsearch && servers.documents() < lines) {
            err.println("outrigger aot-train: the elasticsearch output sent " + servers.documents() + " of " + lines + " documents");
            return Math.min(sent, servers.documents() * deliveringOutputs());
        }
        if (loki && servers.pushes() == 0) {
            err.println("outrigger aot-train: the loki output pushed nothing");
            return 0;
        }
        // the outputs really hold every line
        for (String out : OUTPUTS) {
            long n = countLines(work.resolve("out").resolve(out + ".ndjson"));
            if (n != lines) {
                err.println("outrigger aot-train: output " + out + " holds " + n + " of " + lines + " lines");
                return Math.min(sent, n * OUTPUTS.length);
            }
        }
        return sent;
    }

    /** A loopback port where nothing listens (one just given up by the OS), for the kafka output's broker. */
    private static String closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + s.getLocalPort();
        }
    }

    private void writeSamples(Path work) throws IOException {
        Files.createDirectories(work.resolve("json"));
        Files.createDirectories(work.resolve("nginx"));
        String[] levels = {"INFO", "WARN", "ERROR", "DEBUG"};
        String[] methods = {"GET", "POST", "PUT", "GET", "GET"};
        // the same shapes as bench/e2e.sh: ~210-byte JSON lines of an app's structured log, nginx combined lines
        Files.createDirectories(work.resolve("kafka"));
        try (BufferedWriter json = Files.newBufferedWriter(work.resolve("json/app.log"));
             BufferedWriter toKafka = Files.newBufferedWriter(work.resolve("kafka/app.log"));
             BufferedWriter nginx = Files.newBufferedWriter(work.resolve("nginx/access.log"))) {
            for (int i = 1; i <= lines; i++) {
                long trace = (i * 2654435761L) & 0xffffffffL;
                String line = String.format("{\"time\":\"2026-11-27T05:%02d:%02d.%03dZ\",\"level\":\"%s\",\"logger\":\"com.example.checkout.Service\","
                                + "\"msg\":\"order processed for customer\",\"order_id\":%d,\"duration_ms\":%d,\"trace\":\"%08x%08x\",\"region\":\"eu-west-1\"}%n",
                        (i / 60000) % 60, (i / 1000) % 60, i % 1000, levels[i % 4], i, i % 997, trace, i);
                json.write(line);
                if (i <= KAFKA_LINES) toKafka.write(line);
                nginx.write(String.format("203.0.%d.%d - - [27/Nov/2026:05:%02d:%02d +0000] \"%s /api/v1/orders/%d?session=%08x HTTP/1.1\" %d %d"
                                + " \"https://shop.example.com/checkout\" \"Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/140.0\"%n",
                        i % 250, i % 200, (i / 60000) % 60, (i / 1000) % 60, methods[i % 5], i, trace, i % 17 == 0 ? 500 : 200, 200 + i % 5000));
            }
        }
    }


    /** {@code kafka}: the broker's host:port; {@code elasticsearch}, {@code loki}: the stand-ins' URLs; null: no such output. */
    private static String config(Path work, String kafka, String elasticsearch, String loki) {
        StringBuilder yaml = new StringBuilder()
                .append("agent:\n")
                .append("  data_dir: ").append(quote(work.resolve("data"))).append('\n')
                // the kafka output never delivers: stopping gives up on it after this long
                .append("  shutdown_timeout: ").append(kafka == null ? "10s" : "2s").append('\n')
                .append("  http: {listen: \"127.0.0.1:0\"}\n")
                .append("  log: {level: ").append(kafka == null ? "warn" : "error").append("}\n")
                .append("inputs:\n")
                .append("  app: {type: file, paths: [").append(quote(work.resolve("json/*.log"))).append("], read_from: head}\n")
                .append("  access: {type: file, paths: [").append(quote(work.resolve("nginx/*.log"))).append("], read_from: head}\n")
                .append(kafka == null ? "" : "  app_kafka: {type: file, paths: [" + quote(work.resolve("kafka/*.log")) + "], read_from: head}\n")
                .append("pipelines:\n")
                .append("  raw: {from: [app], stages: [], to: [raw]}\n")
                .append("  parsed: {from: [app], stages: [json], to: [parsed]}\n")
                .append("  nginx: {from: [access], stages: [{regex: {preset: nginx_combined}}], to: [nginx]}\n")
                .append(kafka == null ? "" : "  kafka: {from: [app_kafka], stages: [json], to: [kafka]}\n")
                .append(elasticsearch == null ? "" : "  es: {from: [app], stages: [json], to: [es]}\n")
                .append(loki == null ? "" : "  loki: {from: [app], stages: [json], to: [loki]}\n")
                .append("outputs:\n")
                .append(kafka == null ? "" : "  kafka: {type: kafka, brokers: ['" + kafka + "'], topic: training, producer: {max.block.ms: '300'}}\n")
                .append(elasticsearch == null ? "" : "  es: {type: elasticsearch, hosts: ['" + elasticsearch + "'], index: training}\n")
                .append(loki == null ? "" : "  loki: {type: loki, url: '" + loki + "', labels: {job: training}}\n");
        for (String out : OUTPUTS) {
            yaml.append("  ").append(out).append(": {type: file, path: ").append(quote(work.resolve("out").resolve(out + ".ndjson"))).append("}\n");
        }
        return yaml.toString();
    }

    private static String quote(Path p) { return "'" + p.toString().replace("'", "''") + "'"; }

    /** The sum of a counter's data points whose name starts with {@code name}, of output {@code output} (null: all). */
    private static long counter(Supervisor supervisor, String name, String output) {
        long total = 0;
        for (MetricSnapshot m : supervisor.registry().get().scrape()) {
            if (m instanceof CounterSnapshot c && c.getMetadata().getName().startsWith(name)) {
                for (CounterSnapshot.CounterDataPointSnapshot d : c.getDataPoints()) {
                    if (output == null || output.equals(d.getLabels().get("output"))) total += (long) d.getValue();
                }
            }
        }
        return total;
    }

    /** One plain HTTP request to the agent's own server; the answer is read and dropped. */
    private static void get(int port, String path) throws IOException {
        if (port < 0) return;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            in.transferTo(OutputStream.nullOutputStream());
        }
    }

    private static long countLines(Path file) throws IOException {
        if (!Files.exists(file)) return 0;
        long n = 0;
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int r; (r = in.read(buf)) > 0; ) {
                for (int i = 0; i < r; i++) if (buf[i] == '\n') n++;
            }
        }
        return n;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.getLogger(Training.class.getName()).log(System.Logger.Level.WARNING, "could not delete " + root + ": " + e);
        }
    }
}
