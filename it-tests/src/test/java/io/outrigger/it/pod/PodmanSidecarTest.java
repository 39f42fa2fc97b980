package io.outrigger.it.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.outrigger.outputs.loki.LokiReceiver;
import java.io.IOException;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The sidecar as it is meant to run: {@code podman kube play} of the manifests in {@code packaging/kubernetes/}
 * themselves, with this build's image ({@link SidecarImages}) beside a small application that writes and rotates
 * numbered lines, shipping to a Loki stand-in on the host's loopback. The Pod runs on the host's network (there is
 * no CNI networking here, and with slirp4netns podman 4.3 takes the Pod's network away while its containers drain
 * after SIGTERM). Substituted in the manifests, and only these: the image names, the output URL, the agent's port
 * (a free one, as the host's network is shared), the containerPort declarations removed (podman refuses them with
 * the host's network), one replica (two would listen on the same port), and the Downward API fields podman 4.3
 * does not resolve (metadata.namespace, spec.nodeName) as literal values. Podman
 * 4.3 plays Pods and Deployments but not Jobs: the Job's pod template is played as a Pod, unchanged. The sidecar
 * is killed with SIGKILL from the host ({@code kill -KILL} of its process): podman 4.3 takes {@code podman kill} for
 * a user's stop and does not restart the container. The Pod is stopped as the kubelet stops it: one SIGTERM to each
 * container ({@code podman kill -s TERM}), up to the grace period to exit, then {@code kube down} (podman 4.3's
 * {@code kube down} kills at once, without a grace period).
 * Figures (lines, times) go to stdout: target/surefire-reports/...PodmanSidecarTest-output.txt.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PodmanSidecarTest {

    private static final Duration LONG = Duration.ofSeconds(120);
    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");
    private static final Pattern GEN = Pattern.compile("\"gen\":(\\d+)");
    private static final String NAMESPACE = "shop";
    // app.sh's defaults: 3,000 lines, 100 a second, rotated every 1,000 (three files, two renames)
    private static final int LINES = 3000;
    private static final int ROTATE = 1000;
    private static final int REPORT_LINES = 500;

    private static Podman podman;
    private static SidecarImages images;
    private static Path root;
    private static Path work;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Path> played = new ArrayList<>();

    @BeforeAll
    static void images() throws Exception {
        root = Path.of(System.getProperty("outrigger.root", "..")).toAbsolutePath().normalize();
        work = root.resolve("it-tests/target/pod");
        podman = Podman.require(work);
        long start = System.nanoTime();
        String version = System.getProperty("outrigger.version", "0.1.0-SNAPSHOT");
        images = SidecarImages.build(podman, root, work, version);
        System.out.printf("images ready in %.1f s; built: %s%n", (System.nanoTime() - start) / 1e9,
                images.built.isEmpty() ? "none (all from the store)" : images.built);
    }

    @AfterEach
    void down() throws Exception {
        for (Path manifest : played) podman.run("kube", "down", manifest.toString());
        played.clear();
    }

    @Test
    @Order(1)
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void deploymentShipsEveryLineThroughACrashAndAShutdown() throws Exception {
        int port = freePort();
        try (LokiReceiver loki = LokiReceiver.start(); Gate gate = Gate.start(loki.url())) {
            Path manifest = manifest("deployment.yaml", gate.port(), port, "example.com/checkout:1.0");
            String pod = "checkout-pod-0";
            String sidecar = pod + "-outrigger";
            long start = System.nanoTime();
            play(manifest);

            await(LONG, () -> status(port, "/readyz") == 200, "/readyz answers 200", sidecar);
            await(LONG, () -> status(port, "/healthz") == 200, "/healthz answers 200", sidecar);
            System.out.printf("deployment: ready %.1f s after kube play%n", (System.nanoTime() - start) / 1e9);

            // SIGKILL mid-stream: restartPolicy Always brings it back, the checkpoints in outrigger-data survive
            await(LONG, () -> loki.entryCount(LokiReceiver.DEFAULT_TENANT) >= LINES / 4, "a quarter of the lines arrive", sidecar);
            int beforeKill = loki.entryCount(LokiReceiver.DEFAULT_TENANT);
            // (from the host: podman 4.3 takes `podman kill` for a user's stop and does not restart the container)
            String pid = podman.inspect(sidecar, "{{.State.Pid}}");
            assertEquals(0, new ProcessBuilder("kill", "-KILL", pid).inheritIO().start().waitFor(), "kill -KILL " + pid);
            await(LONG, () -> restarts(sidecar) >= 1 && "running".equals(state(sidecar)), "the sidecar restarted", sidecar);
            await(LONG, () -> status(port, "/readyz") == 200, "/readyz answers 200 after the restart", sidecar);
            System.out.printf("deployment: killed after %d lines, restarted, ready again%n", beforeKill);

            // pushes held (a slow Loki) while the app writes its last lines: they are in flight at SIGTERM
            await(LONG, () -> loki.entryCount(LokiReceiver.DEFAULT_TENANT) >= LINES * 9 / 10, "nine tenths of the lines arrive", sidecar);
            gate.hold();
            await(LONG, () -> podman.run("exec", pod + "-app", "test", "-f", "/var/log/app/.written").exitCode() == 0,
                    "the app wrote all its lines", sidecar);
            Thread.sleep(1000); // the sidecar reads them; its push waits at the gate
            int beforeDown = distinct(loki).size();
            // One SIGTERM to each container, then up to the manifest's grace period to exit, then the sandbox goes, as
            // the kubelet does: `podman kill -s TERM`, then `kube down`. (Podman 4.3's `kube down` kills at once,
            // without a grace period; its `podman stop` now and then sent the agent a second SIGTERM a second after
            // the first, which the agent rightly takes for "exit now".) restartPolicy Always has podman start the
            // sidecar again after it exits, so its log tells that it stopped, and how.
            int restartsBefore = restarts(sidecar);
            long downStart = System.nanoTime();
            podman.run("kill", "-s", "TERM", pod + "-app", sidecar).orFail("podman kill -s TERM");
            Thread.sleep(2000);
            gate.release();
            await(Duration.ofSeconds(gracePeriod(manifest)), () -> restarts(sidecar) > restartsBefore || "exited".equals(state(sidecar)),
                    "the sidecar exits within the grace period after SIGTERM", sidecar);
            double stopSeconds = (System.nanoTime() - downStart) / 1e9;
            String logs = podman.run("logs", sidecar).output();
            String afterTerm = logs.substring(Math.max(0, logs.lastIndexOf("SIGTERM received")));
            assertTrue(afterTerm.contains("stopped; everything in flight was delivered"), "the sidecar's log after SIGTERM:\n" + logs);
            podman.run("kube", "down", manifest.toString()).orFail("kube down");
            played.remove(manifest);
            double downSeconds = (System.nanoTime() - downStart) / 1e9;

            // every line, in order per file (by timestamp), with the Pod's labels; re-sent ones after the SIGKILL are allowed
            Map<Integer, List<Integer>> byFile = firstArrivals(loki);
            List<Integer> seqs = byFile.values().stream().flatMap(List::stream).sorted().toList();
            assertEquals(LINES, seqs.size(), "distinct lines delivered; the sidecar's log:\n" + logs);
            for (int i = 0; i < LINES; i++) assertEquals(i + 1, seqs.get(i), "line " + (i + 1) + " is missing");
            byFile.forEach((gen, list) -> {
                for (int i = 1; i < list.size(); i++) {
                    assertTrue(list.get(i) > list.get(i - 1), "file " + gen + ": line " + list.get(i) + " arrived after " + list.get(i - 1));
                }
                assertEquals(Math.min(ROTATE, LINES - gen * ROTATE), list.size(), "file " + gen);
            });
            for (Map<String, String> labels : loki.streams(LokiReceiver.DEFAULT_TENANT)) {
                for (var e : Map.of("app", "checkout", "namespace", NAMESPACE, "pod", pod, "level", "info").entrySet()) {
                    assertEquals(e.getValue(), labels.get(e.getKey()), "label " + e.getKey() + " of " + labels);
                }
            }
            int entries = loki.entryCount(LokiReceiver.DEFAULT_TENANT);
            System.out.printf("deployment: %d lines in %d files, %d entries stored (%d re-sent after the SIGKILL); "
                            + "%d delivered at SIGTERM, %d after; the sidecar stopped %.1f s after SIGTERM (pushes held for the first 2 s), "
                            + "the Pod was gone after %.1f s%n",
                    LINES, byFile.size(), entries, entries - LINES, beforeDown, LINES, stopSeconds, downSeconds);
            System.out.printf("deployment: whole run %.1f s%n", (System.nanoTime() - start) / 1e9);
        }
    }

    @Test
    @Order(2)
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void jobSidecarEndsAfterTheAppWithEveryLineDelivered() throws Exception {
        int port = freePort();
        try (LokiReceiver loki = LokiReceiver.start()) {
            Path manifest = manifest("job.yaml", loki.port(), port, "example.com/report:1.0");
            String sidecar = "nightly-report-outrigger";
            long start = System.nanoTime();
            play(manifest);
            await(LONG, () -> "exited".equals(state("nightly-report-app")), "the app ended", sidecar);
            await(LONG, () -> "exited".equals(state(sidecar)), "the sidecar ended after the app (exit_when)", sidecar);
            double seconds = (System.nanoTime() - start) / 1e9;
            String logs = podman.run("logs", sidecar).output();
            assertEquals("0", podman.inspect("nightly-report-app", "{{.State.ExitCode}}"), "the app's exit code");
            assertEquals("0", podman.inspect(sidecar, "{{.State.ExitCode}}"), "the sidecar's exit code; its log:\n" + logs);
            List<Integer> seqs = new ArrayList<>();
            for (LokiReceiver.Entry e : loki.allEntries(LokiReceiver.DEFAULT_TENANT)) seqs.add(number(SEQ, e.line()));
            List<Integer> expected = new ArrayList<>();
            for (int i = 1; i <= REPORT_LINES; i++) expected.add(i);
            assertEquals(expected, seqs, "the report's lines, in order, once each; sidecar log:\n" + logs);
            for (Map<String, String> labels : loki.streams(LokiReceiver.DEFAULT_TENANT)) {
                for (var e : Map.of("job", "nightly-report", "namespace", NAMESPACE, "pod", "nightly-report").entrySet()) {
                    assertEquals(e.getValue(), labels.get(e.getKey()), "label " + e.getKey() + " of " + labels);
                }
            }
            System.out.printf("job: %d lines delivered, app and sidecar exited 0, %.1f s from kube play%n", REPORT_LINES, seconds);
        }
    }

    /**
     * The manifest with the substitutions the class comment lists, written to target/pod; a Job becomes a Pod of
     * its template.
     */
    private Path manifest(String name, int outputPort, int agentPort, String appImage) throws IOException {
        String text = Files.readString(root.resolve("packaging/kubernetes").resolve(name))
                .replace("image: " + appImage, "image: " + images.app)
                .replace("image: outrigger:dev", "image: " + images.sidecar)
                .replace("http://loki-gateway.monitoring.svc:80", "http://127.0.0.1:" + outputPort)
                .replaceAll("\\b2020\\b", Integer.toString(agentPort))
                .replaceAll("(?m)^ *ports:\n *- \\{name: http-metrics, containerPort: \\d+}\n", "")
                .replaceAll("replicas: \\d+", "replicas: 1")
                .replace("valueFrom: {fieldRef: {fieldPath: metadata.namespace}}", "value: " + NAMESPACE)
                .replace("valueFrom: {fieldRef: {fieldPath: spec.nodeName}}", "value: node-1");
        assertTrue(text.contains(images.app) && text.contains(images.sidecar) && text.contains("127.0.0.1") && !text.contains("containerPort"),
                name + ": a substitution did not apply (did the manifest change?)");
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));
        List<JsonNode> docs = new ArrayList<>();
        try (var it = yaml.readerFor(JsonNode.class).readValues(text)) {
            while (it.hasNext()) docs.add((JsonNode) it.next());
        }
        StringWriter out = new StringWriter();
        for (JsonNode doc : docs) {
            if (doc.path("kind").asText().equals("Job")) {
                ObjectNode pod = yaml.createObjectNode();
                pod.put("apiVersion", "v1");
                pod.put("kind", "Pod");
                pod.set("metadata", doc.path("metadata").deepCopy());
                pod.set("spec", doc.path("spec").path("template").path("spec").deepCopy());
                doc = pod;
            }
            out.write("---\n");
            out.write(yaml.writeValueAsString(doc));
        }
        Files.createDirectories(work);
        Path file = work.resolve(name);
        Files.writeString(file, out.toString());
        return file;
    }

    private static int gracePeriod(Path manifest) throws IOException {
        Matcher m = Pattern.compile("terminationGracePeriodSeconds: (\\d+)").matcher(Files.readString(manifest));
        return m.find() ? Integer.parseInt(m.group(1)) : 30;
    }

    private void play(Path manifest) throws Exception {
        podman.run("kube", "down", manifest.toString()); // a previous run's leftovers, if any
        played.add(manifest);
        podman.run(LONG, "kube", "play", "--network", "host", manifest.toString())
                .orFail("podman kube play " + manifest.getFileName());
    }

    private int status(int port, String path) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(2)).build();
            return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static int restarts(String container) throws IOException, InterruptedException {
        String n = podman.inspect(container, "{{.RestartCount}}");
        return n.isEmpty() ? 0 : Integer.parseInt(n);
    }

    private static String state(String container) throws IOException, InterruptedException {
        return podman.inspect(container, "{{.State.Status}}");
    }

    /**
     * Each line once, grouped by the file it was written to (app.sh's "gen"), in the order a Loki query returns
     * them: by timestamp (pushes sent side by side may arrive in either order), arrival order among equal ones.
     */
    private static Map<Integer, List<Integer>> firstArrivals(LokiReceiver loki) {
        Map<Integer, List<Integer>> byFile = new TreeMap<>();
        Set<Integer> seen = new HashSet<>();
        List<LokiReceiver.Entry> entries = new ArrayList<>(loki.allEntries(LokiReceiver.DEFAULT_TENANT));
        entries.sort(java.util.Comparator.comparingLong(LokiReceiver.Entry::timeNanos));
        for (LokiReceiver.Entry e : entries) {
            int seq = number(SEQ, e.line());
            if (seen.add(seq)) byFile.computeIfAbsent(number(GEN, e.line()), g -> new ArrayList<>()).add(seq);
        }
        return byFile;
    }

    private static Set<Integer> distinct(LokiReceiver loki) {
        Set<Integer> seen = new HashSet<>();
        for (LokiReceiver.Entry e : loki.allEntries(LokiReceiver.DEFAULT_TENANT)) seen.add(number(SEQ, e.line()));
        return seen;
    }

    private static int number(Pattern p, String line) {
        Matcher m = p.matcher(line);
        if (!m.find()) fail("not a line the app wrote: " + line);
        return Integer.parseInt(m.group(1));
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls until the condition holds; fails with the sidecar's log when it does not within the time. */
    private static void await(Duration limit, Condition condition, String what, String sidecar) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                fail("not within " + limit.toSeconds() + " s: " + what + "\npodman ps:\n"
                        + podman.run("ps", "-a", "--format", "{{.Names}} {{.Status}}").output()
                        + "\nsidecar log:\n" + podman.run("logs", sidecar).output());
            }
            Thread.sleep(200);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
