package io.outrigger.it.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A real single-node Kafka 4 (KRaft, combined broker+controller) in its own JVM, for integration tests. No Docker:
 * the broker's jars come from the {@code kafka_2.13} test dependency, whose classpath the build writes to
 * {@code target/kafka-broker.classpath} (maven-dependency-plugin {@code build-classpath}, see it-tests/pom.xml).
 *
 * <p>{@link #start()} formats the storage with a fresh cluster id ({@code kafka.tools.StorageTool format}), runs
 * {@code java -Xmx512m -cp <classpath> kafka.Kafka server.properties} (through {@link BrokerMain}, which also
 * exits when the test JVM is gone) on two free loopback ports, and waits until an Admin client can describe the
 * cluster. {@link #stop()} / {@link #restart()} keep the data and ports, for
 * server-down scenarios. The process is killed when the test JVM exits, and a broker that does not come up fails
 * the test with the tail of its log.
 *
 * <pre>
 * static final KafkaServer KAFKA = KafkaServer.start();   // once per test class; close() in @AfterAll
 * </pre>
 */
public final class KafkaServer implements AutoCloseable {

    private static final Duration START_DEADLINE = Duration.ofSeconds(90);
    private static final Duration STOP_DEADLINE = Duration.ofSeconds(20);

    private final Path dir;
    private final Path config;
    private final Path log;
    private final String classpath;
    private final int brokerPort;
    private final int controllerPort;
    private final Thread shutdownHook;
    private Process process;
    private Duration lastStartup = Duration.ZERO;

    private KafkaServer(Path dir, String classpath, int brokerPort, int controllerPort) {
        this.dir = dir;
        this.config = dir.resolve("server.properties");
        this.log = dir.resolve("broker.log");
        this.classpath = classpath;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.shutdownHook = new Thread(this::kill, "kafka-server-kill");
    }

    /** Formats, starts and waits for a new broker; extra broker properties override the test defaults. */
    public static KafkaServer start(Map<String, String> overrides) {
        try {
            Path dir = Files.createTempDirectory("outrigger-kafka-");
            int[] ports = freePorts(2);
            KafkaServer k = new KafkaServer(dir, readClasspath(), ports[0], ports[1]);
            Runtime.getRuntime().addShutdownHook(k.shutdownHook);
            k.writeConfig(overrides);
            k.format();
            k.launch();
            return k;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static KafkaServer start() { return start(Map.of()); }

    /** {@code 127.0.0.1:<port>}, for {@code brokers:} and clients. */
    public String bootstrapServers() { return "127.0.0.1:" + brokerPort; }

    /** How long the last start took until the broker answered. */
    public Duration lastStartup() { return lastStartup; }

    public boolean isRunning() { return process != null && process.isAlive(); }

    public Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        return Admin.create(p);
    }

    public void createTopic(String topic, int partitions) {
        createTopic(topic, partitions, Map.of());
    }

    public void createTopic(String topic, int partitions, Map<String, String> configs) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs)))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot create topic " + topic + ": " + e, e);
        }
    }

    /**
     * Reads a topic from the beginning, every partition, until {@code expected} records arrived or the deadline
     * passed (then returns what came; the caller's assertion says what is missing). Partition order is kept;
     * across partitions records come in poll order.
     */
    public List<ConsumerRecord<byte[], byte[]>> consume(String topic, int expected, Duration deadline) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(16 * 1024 * 1024));
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(64 * 1024 * 1024));
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long end = System.nanoTime() + deadline.toNanos();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = partitions(topic, end);
            c.assign(parts);
            c.seekToBeginning(parts);
            while (out.size() < expected && System.nanoTime() < end) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) out.add(r);
            }
        }
        return out;
    }

    /** All values of a topic as UTF-8 text (see {@link #consume}). */
    public List<String> consumeValues(String topic, int expected, Duration deadline) {
        return consume(topic, expected, deadline).stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }

    private List<TopicPartition> partitions(String topic, long end) {
        try (Admin admin = admin()) {
            while (true) {
                try {
                    TopicDescription d = admin.describeTopics(Set.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
                    return d.partitions().stream().map(i -> new TopicPartition(topic, i.partition())).toList();
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    if (System.nanoTime() > end) throw new IllegalStateException("topic " + topic + " not found: " + e, e);
                    Thread.sleep(100);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the broker (SIGTERM, then kill after 20s); data and ports are kept for {@link #restart()}. */
    public void stop() {
        if (process == null) return;
        Process p = process;
        process = null;
        p.destroy();
        try {
            if (!p.waitFor(STOP_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the stopped broker again on the same ports with the same data. */
    public void restart() {
        stop();
        try {
            launch();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills the broker and deletes its data. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) { // the JVM is already shutting down
        }
        deleteDir();
    }

    private void kill() {
        Process p = process;
        if (p != null) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        deleteDir();
    }

    private void deleteDir() {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) { // best effort, it is a temp dir
        }
    }

    private void writeConfig(Map<String, String> overrides) throws IOException {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dir.resolve("data").toString());
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "true");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("log.cleaner.enable", "false");
        p.putAll(overrides);
        try (var w = Files.newBufferedWriter(config)) {
            p.store(w, "outrigger it-tests broker");
        }
        Files.writeString(dir.resolve("log4j2.properties"), """
                status = warn
                appender.out.type = Console
                appender.out.name = OUT
                appender.out.layout.type = PatternLayout
                appender.out.layout.pattern = [%d] %p %m (%c)%n
                rootLogger.level = WARN
                rootLogger.appenderRef.out.ref = OUT
                """);
    }

    private List<String> java(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-Xmx512m", "-Xms64m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"),
                "-cp", classpath + java.io.File.pathSeparator + ownLocation(), mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private void format() throws IOException {
        String clusterId = Uuid.randomUuid().toString();
        ProcessBuilder pb = new ProcessBuilder(java("kafka.tools.StorageTool", "format", "-t", clusterId,
                "-c", config.toString())).redirectErrorStream(true).redirectOutput(dir.resolve("format.log").toFile());
        Process p = pb.start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("kafka storage format did not finish in 60s: " + tail(dir.resolve("format.log")));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("kafka storage format failed (exit " + p.exitValue() + "): " + tail(dir.resolve("format.log")));
        }
    }

    private void launch() throws IOException {
        long t0 = System.nanoTime();
        String[] args = {Long.toString(ProcessHandle.current().pid()), config.toString()};
        ProcessBuilder pb = new ProcessBuilder(java(BrokerMain.class.getName(), args))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        process = pb.start();
        long end = t0 + START_DEADLINE.toNanos();
        String lastError = "";
        try (Admin admin = admin()) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("kafka broker exited with " + process.exitValue() + ": " + tail(log));
                }
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) break;
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    lastError = e.toString();
                }
                if (System.nanoTime() > end) {
                    stop();
                    throw new IllegalStateException("kafka broker did not answer within " + START_DEADLINE.toSeconds()
                            + "s (" + lastError + "): " + tail(log));
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        lastStartup = Duration.ofNanos(System.nanoTime() - t0);
    }

    /**
     * The broker's main: exits when the test JVM that started it is gone (even when that JVM was killed with
     * SIGKILL and its shutdown hook never ran), then runs {@code kafka.Kafka}. Uses no class of the test JVM.
     */
    public static final class BrokerMain {
        private BrokerMain() {}

        public static void main(String[] args) throws Throwable {
            long parent = Long.parseLong(args[0]);
            ProcessHandle.of(parent).ifPresentOrElse(
                    p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(3)),
                    () -> Runtime.getRuntime().halt(3));
            String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
            try {
                Class.forName("kafka.Kafka").getMethod("main", String[].class).invoke(null, (Object) rest);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    private static String ownLocation() {
        try {
            return Path.of(KafkaServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static String readClasspath() throws IOException {
        Path f = Path.of("target", "kafka-broker.classpath");
        if (!Files.exists(f)) f = Path.of("it-tests", "target", "kafka-broker.classpath");
        if (!Files.exists(f)) {
            throw new IllegalStateException("target/kafka-broker.classpath is missing: run the tests through Maven "
                    + "(./mvnw -pl it-tests -am verify), which writes it in generate-test-resources");
        }
        String cp = Files.readString(f).strip();
        if (cp.isEmpty() || !cp.contains("kafka_2.13")) throw new IllegalStateException(f + " does not list kafka_2.13: " + cp);
        return cp;
    }

    private static int[] freePorts(int n) throws IOException {
        ServerSocket[] sockets = new ServerSocket[n];
        int[] ports = new int[n];
        try {
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
        } finally {
            for (ServerSocket s : sockets) if (s != null) s.close();
        }
        return ports;
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override public String toString() { return "KafkaServer[" + bootstrapServers() + ", " + dir + "]"; }
}
