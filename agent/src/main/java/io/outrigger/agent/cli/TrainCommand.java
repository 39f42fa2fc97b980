package io.outrigger.agent.cli;

import io.outrigger.agent.config.PipelineConfig;
import io.outrigger.agent.http.AgentHttpServer;
import io.outrigger.agent.runtime.LogSetup;
import io.outrigger.agent.runtime.Supervisor;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code outrigger aot-train} (hidden): the training workload for the JVM's AOT cache (JDK 25+, JEP 483/514/515).
 * The launchers run it once per build as {@code java <the run flags> -XX:AOTCacheOutput=outrigger.aot -jar
 * outrigger.jar aot-train}; the JVM records which classes were loaded and linked and which methods were hot, and
 * writes the cache when it exits. It runs the real agent the way {@code run} does (a YAML file through the normal
 * loader, the {@link Supervisor}, the HTTP server), tailing generated JSON and nginx lines from their head through
 * {@code []}, {@code [json]} and {@code [regex nginx_combined]} pipelines into {@code file} outputs (with
 * {@code --kafka}, {@code --elasticsearch} and {@code --loki}, the JSON also through {@code [json]} into such outputs,
 * to stand-ins on loopback: {@link TrainingKafka}, {@link TrainingHttp}),
 * waits until every line is delivered, stops gracefully and deletes what it wrote. Nothing goes to stdout. The
 * launchers make those caches for configs with such outputs only: every class in a cache is loaded at start-up,
 * and the Kafka client's add about 17 MiB of RSS.
 * Exit 0 when every line was delivered, 1 otherwise.
 */
@Command(name = "aot-train", hidden = true, mixinStandardHelpOptions = true,
        description = "Run a short sample workload through the agent (the training run for a JVM AOT cache).")
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--dir", paramLabel = "DIR", description = "Where to make the temporary work directory (default: the system's temp dir).")
    Path dir;

    @Option(names = "--lines", defaultValue = "20000", paramLabel = "N", description = "Lines per sample file (default: ${DEFAULT-VALUE}).")
    int lines;

    @Option(names = "--timeout", defaultValue = "60", paramLabel = "SECONDS", description = "Give up after this long (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--keep", description = "Keep the work directory (samples, outputs, checkpoints) instead of deleting it.")
    boolean keep;

    @Option(names = "--kafka", description = "Also send the JSON sample through a kafka output, to a stand-in broker on loopback.")
    boolean kafka;

    @Option(names = "--elasticsearch", description = "Also send the JSON sample through an elasticsearch output, to a stand-in bulk API on loopback.")
    boolean elasticsearch;

    @Option(names = "--loki", description = "Also send the JSON sample through a loki output, to a stand-in push API on loopback.")
    boolean loki;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** The file outputs and which sample each one gets. */
    private static final String[] OUTPUTS = {"raw", "parsed", "nginx"};

    @Override public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (lines < 1 || timeoutSeconds < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--lines and --timeout must be positive");
        }
        Path parent = dir == null ? Path.of(System.getProperty("java.io.tmpdir")) : dir;
        Files.createDirectories(parent);
        Path work = Files.createTempDirectory(parent, "outrigger-aot-train-");
        // a Ctrl-C or SIGTERM ends the JVM without the finally below
        Thread cleanup = new Thread(() -> deleteTree(work), "outrigger-aot-train-cleanup");
        if (!keep) Runtime.getRuntime().addShutdownHook(cleanup);
        long start = System.nanoTime();
        try {
            long delivered = train(work, err);
            long expected = (long) lines * outputCount();
            if (delivered != expected) {
                err.println("outrigger aot-train: " + delivered + " of " + expected + " records delivered within " + timeoutSeconds + "s");
                err.flush();
                return 1;
            }
            err.printf("outrigger aot-train: %d records delivered in %.1fs%n", delivered, (System.nanoTime() - start) / 1e9);
            err.flush();
            return 0;
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
        try (TrainingKafka broker = kafka ? new TrainingKafka() : null;
             TrainingHttp http = elasticsearch || loki ? new TrainingHttp() : null) {
            return train(work, broker, http, err);
        }
    }

    /** The outputs the training's lines go to: the file outputs, and those of {@code --kafka}, {@code --elasticsearch}, {@code --loki}. */
    private int outputCount() { return OUTPUTS.length + (kafka ? 1 : 0) + (elasticsearch ? 1 : 0) + (loki ? 1 : 0); }

    /** {@code broker}, {@code servers}: null without {@code --kafka}, without {@code --elasticsearch} and {@code --loki}. */
    private long train(Path work, TrainingKafka broker, TrainingHttp servers, PrintWriter err) throws Exception {
        Path yaml = work.resolve("pipeline.yaml");
        Files.writeString(yaml, config(work, broker == null ? null : broker.address(),
                elasticsearch ? servers.url() : null, loki ? servers.url() : null));
        ConfigOption option = new ConfigOption();
        option.file = yaml;
        PipelineConfig loaded = option.load(err);
        if (loaded == null) return -1;
        LogSetup.configure(loaded.agent().logFormat(), loaded.agent().logLevel());
        Supervisor supervisor = new Supervisor(loaded, System.getenv());
        AgentHttpServer http = new AgentHttpServer(supervisor.registry(), () -> supervisor.agent().isAlive(), supervisor::readiness);
        long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        long sent;
        try {
            supervisor.start();
            http.start(loaded.agent().httpListen());
            get(http.port(), "/readyz");
            while ((sent = sent(supervisor)) < (long) lines * outputCount() && System.nanoTime() < deadline) {
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
        sent = sent(supervisor);
        if (broker != null && broker.records() < lines) {
            err.println("outrigger aot-train: the kafka output sent " + broker.records() + " of " + lines + " records");
            return Math.min(sent, broker.records() * outputCount());
        }
        if (elasticsearch && servers.documents() < lines) {
            err.println("outrigger aot-train: the elasticsearch output sent " + servers.documents() + " of " + lines + " documents");
            return Math.min(sent, servers.documents() * outputCount());
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

    private void writeSamples(Path work) throws IOException {
        Files.createDirectories(work.resolve("json"));
        Files.createDirectories(work.resolve("nginx"));
        String[] levels = {"INFO", "WARN", "ERROR", "DEBUG"};
        String[] methods = {"GET", "POST", "PUT", "GET", "GET"};
        // the same shapes as bench/e2e.sh: ~210-byte JSON lines of an app's structured log, nginx combined lines
        try (BufferedWriter json = Files.newBufferedWriter(work.resolve("json/app.log"));
             BufferedWriter nginx = Files.newBufferedWriter(work.resolve("nginx/access.log"))) {
            for (int i = 1; i <= lines; i++) {
                long trace = (i * 2654435761L) & 0xffffffffL;
                json.write(String.format("{\"time\":\"2026-11-27T05:%02d:%02d.%03dZ\",\"level\":\"%s\",\"logger\":\"com.example.checkout.Service\","
                                + "\"msg\":\"order processed for customer\",\"order_id\":%d,\"duration_ms\":%d,\"trace\":\"%08x%08x\",\"region\":\"eu-west-1\"}%n",
                        (i / 60000) % 60, (i / 1000) % 60, i % 1000, levels[i % 4], i, i % 997, trace, i));
                nginx.write(String.format("203.0.%d.%d - - [27/Nov/2026:05:%02d:%02d +0000] \"%s /api/v1/orders/%d?session=%08x HTTP/1.1\" %d %d"
                                + " \"https://shop.example.com/checkout\" \"Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/140.0\"%n",
                        i % 250, i % 200, (i / 60000) % 60, (i / 1000) % 60, methods[i % 5], i, trace, i % 17 == 0 ? 500 : 200, 200 + i % 5000));
            }
        }
    }

    /** {@code kafka}, {@code elasticsearch}, {@code loki}: the stand-ins' host:port and URLs, or null for no such output. */
    private static String config(Path work, String kafka, String elasticsearch, String loki) {
        Map<String, String> outputs = new LinkedHashMap<>();
        for (String out : OUTPUTS) outputs.put(out, quote(work.resolve("out").resolve(out + ".ndjson")));
        StringBuilder yaml = new StringBuilder()
                .append("agent:\n")
                .append("  data_dir: ").append(quote(work.resolve("data"))).append('\n')
                .append("  shutdown_timeout: 10s\n")
                .append("  http: {listen: \"127.0.0.1:0\"}\n")
                .append("  log: {level: warn}\n")
                .append("inputs:\n")
                .append("  app: {type: file, paths: [").append(quote(work.resolve("json/*.log"))).append("], read_from: head}\n")
                .append("  access: {type: file, paths: [").append(quote(work.resolve("nginx/*.log"))).append("], read_from: head}\n")
                .append("pipelines:\n")
                .append("  raw: {from: [app], stages: [], to: [raw]}\n")
                .append("  parsed: {from: [app], stages: [json], to: [parsed]}\n")
                .append("  nginx: {from: [access], stages: [{regex: {preset: nginx_combined}}], to: [nginx]}\n")
                .append(kafka == null ? "" : "  kafka: {from: [app], stages: [json], to: [kafka]}\n")
                .append(elasticsearch == null ? "" : "  es: {from: [app], stages: [json], to: [es]}\n")
                .append(loki == null ? "" : "  loki: {from: [app], stages: [json], to: [loki]}\n")
                .append("outputs:\n")
                .append(kafka == null ? "" : "  kafka: {type: kafka, brokers: ['" + kafka + "'], topic: training}\n")
                .append(elasticsearch == null ? "" : "  es: {type: elasticsearch, hosts: ['" + elasticsearch + "'], index: training}\n")
                .append(loki == null ? "" : "  loki: {type: loki, url: '" + loki + "', labels: {job: training}}\n");
        outputs.forEach((name, path) -> yaml.append("  ").append(name).append(": {type: file, path: ").append(path).append("}\n"));
        return yaml.toString();
    }

    private static String quote(Path p) { return "'" + p.toString().replace("'", "''") + "'"; }

    /** Records the outputs delivered so far. */
    private static long sent(Supervisor supervisor) {
        long total = 0;
        for (MetricSnapshot m : supervisor.registry().get().scrape()) {
            if (m instanceof CounterSnapshot c && c.getMetadata().getName().startsWith("outrigger_output_records_sent")) {
                for (CounterSnapshot.CounterDataPointSnapshot d : c.getDataPoints()) total += (long) d.getValue();
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
            System.getLogger(TrainCommand.class.getName()).log(System.Logger.Level.WARNING, "could not delete " + root + ": " + e);
        }
    }
}
