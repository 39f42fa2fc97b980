package io.outrigger.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.outrigger.it.e2e.AgentProcess;
import io.outrigger.outputs.loki.LokiReceiver;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as an operator meets it, run as its own process: the HTTP endpoints answered to a real client,
 * metrics that move when what they count happens (a rotation, a rejected batch), SIGHUP reloads (a valid config
 * is applied, an invalid one is refused while the agent keeps running) and {@code exit_when} for Jobs.
 */
class OperationsTest {

    @TempDir Path tmp;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private HttpResponse<String> get(int port, String path, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5));
        if (accept != null) b.header("Accept", accept);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void await(String what, BooleanSupplier condition, AgentProcess agent) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what + "; agent log:\n" + agent.logText());
            Thread.sleep(100);
        }
    }

    private double metric(int port, String name, String labels) {
        try {
            String body = get(port, "/metrics", null).body();
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} ([0-9.eE+-]+)$").matcher(body);
            double sum = 0;
            while (m.find()) if (m.group(1).contains(labels)) sum += Double.parseDouble(m.group(2));
            return sum;
        } catch (Exception e) {
            return -1;
        }
    }

    private String config(int port, Path logs, Path out, String lokiUrl, String extraStage, String exitWhen) {
        return """
                agent:
                  data_dir: %s
                  shutdown_timeout: 5s
                  checkpoint_interval: 200ms
                  http:
                    listen: 127.0.0.1:%d
                  log:
                    format: json
                  %s
                inputs:
                  app:
                    type: file
                    paths: ["%s/*.log"]
                    rescan_interval: 200ms
                pipelines:
                  app:
                    from: [app]
                    stages: [%s]
                    to: [out, loki]
                outputs:
                  out:
                    type: file
                    path: %s
                    batch: {max_wait: 50ms}
                  loki:
                    type: loki
                    url: %s
                    labels: {job: ops}
                    batch: {max_records: 1, max_wait: 50ms}
                    retry: {max_backoff: 1s}
                    max_line_bytes: 1MiB
                """.formatted(tmp.resolve("data"), port, exitWhen, logs, extraStage, out, lokiUrl);
    }

    private static long lines(Path file) {
        try {
            // complete lines only: the agent may be in the middle of writing a batch
            return Files.exists(file) ? Files.readString(file).chars().filter(c -> c == '\n').count() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    @Test
    void endpointsMetricsReloadAndExitWhen() throws Exception {
        Path logs = Files.createDirectories(tmp.resolve("logs"));
        Path out = tmp.resolve("out.ndjson");
        Path cfg = tmp.resolve("pipeline.yaml");
        Path done = tmp.resolve("done");
        int port = freePort();
        try (LokiReceiver loki = LokiReceiver.builder().maxLineBytes(1000).start()) {
            Files.writeString(cfg, config(port, logs, out, loki.url(), "", "exit_when: {file_exists: " + done + "}"));
            try (AgentProcess agent = AgentProcess.start(tmp.resolve("agent.log"), "128m", "run", "-c", cfg.toString())) {
                await("/healthz", () -> {
                    try {
                        return get(port, "/healthz", null).statusCode() == 200;
                    } catch (Exception e) {
                        return false;
                    }
                }, agent);
                Files.writeString(logs.resolve("app.log"), "first line\n");
                await("the first line", () -> lines(out) >= 1, agent);

                HttpResponse<String> ready = get(port, "/readyz", null);
                assertEquals(200, ready.statusCode(), ready.body());
                JsonNode readiness = json.readTree(ready.body());
                assertTrue(readiness.get("ready").asBoolean());
                assertEquals("ready", readiness.get("components").get("inputs.app").asText());
                assertEquals("ready", readiness.get("components").get("outputs.loki").asText());

                HttpResponse<String> text = get(port, "/metrics", null);
                assertTrue(text.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), text.headers().toString());
                assertTrue(text.body().contains("outrigger_input_lines_read_total{input=\"app\"}"), text.body());
                assertTrue(text.body().contains("jvm_memory_used_bytes"), "JVM metrics are exposed");
                HttpResponse<String> open = get(port, "/metrics", "application/openmetrics-text; version=1.0.0");
                assertTrue(open.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"));
                assertTrue(open.body().trim().endsWith("# EOF"));

                // a rotation moves the rotation counter; the new file's lines arrive
                double rotations = metric(port, "outrigger_input_rotations_total", "input=\"app\"");
                Files.move(logs.resolve("app.log"), logs.resolve("app.log.1"));
                Files.writeString(logs.resolve("app.log"), "after rotation\n");
                await("the rotation to be counted", () -> metric(port, "outrigger_input_rotations_total", "input=\"app\"") > rotations, agent);
                await("the line after the rotation", () -> lines(out) >= 2, agent);

                // Loki refuses an entry over its size limit: the rejection is counted and dead-lettered
                Files.writeString(logs.resolve("app.log"), "x".repeat(5000) + "\n", StandardOpenOption.APPEND);
                await("a rejected record", () -> metric(port, "outrigger_output_records_rejected_total", "output=\"loki\"") >= 1, agent);
                assertTrue(metric(port, "outrigger_output_records_dead_lettered_total", "output=\"loki\"") >= 1);
                assertTrue(Files.readString(tmp.resolve("data/dead-letters/loki.ndjson")).contains("\"reason\":\"bad_request\""));

                // SIGHUP with an invalid config: refused, the agent keeps running and delivering
                Files.writeString(cfg, config(port, logs, out, loki.url(), "{regex: {pattern: \"(unclosed\"}}", ""));
                // one signal: a SIGHUP inherited as ignored (nohup, a CI runner) is reset by the agent (see sighupIgnoredByTheParent...)
                signal(agent.pid(), "HUP");
                await("the refused reload to be logged", () -> agent.logText().contains("the new config is invalid"), agent);
                assertTrue(agent.logText().contains("unclosed group"), "the reason is logged");
                Files.writeString(logs.resolve("app.log"), "still running\n", StandardOpenOption.APPEND);
                await("a line after the refused reload", () -> lines(out) >= 4, agent);

                // SIGHUP with a valid config: the new stage applies to new lines, nothing is read twice
                Files.writeString(cfg, config(port, logs, out, loki.url(), "{fields: {add: {reloaded: yes}}}",
                        "exit_when: {file_exists: " + done + "}"));
                signal(agent.pid(), "HUP");
                await("the reload", () -> agent.logText().contains("reloaded"), agent);
                Files.writeString(logs.resolve("app.log"), "after reload\n", StandardOpenOption.APPEND);
                await("the line after the reload", () -> {
                    try {
                        return Files.exists(out) && Files.readString(out).contains("\"message\":\"after reload\",\"reloaded\":\"yes\"");
                    } catch (IOException e) {
                        return false;
                    }
                }, agent);
                assertEquals(1, Files.readAllLines(out).stream().filter(l -> l.contains("\"message\":\"first line\"")).count(),
                        "checkpoints carried over the reload: nothing was read again");

                // exit_when: the app says it is done, the agent drains and exits 0
                Files.writeString(done, "");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (agent.isAlive() && System.nanoTime() < deadline) Thread.sleep(100);
                assertFalse(agent.isAlive(), "exit_when did not stop the agent; log:\n" + agent.logText());
                assertEquals(0, agent.terminate(1));
            }
        }
        // the agent's own logs are JSON lines
        String firstLogLine = Files.readAllLines(tmp.resolve("agent.log")).stream().filter(l -> l.startsWith("{")).findFirst().orElseThrow();
        JsonNode log = json.readTree(firstLogLine);
        assertTrue(log.has("time") && log.has("level") && log.has("msg"), firstLogLine);
    }

    @Test
    void anUnreachableOutputAtStartIsNotFatal() throws Exception {
        Path logs = Files.createDirectories(tmp.resolve("logs"));
        Path out = tmp.resolve("out.ndjson");
        Path cfg = tmp.resolve("pipeline.yaml");
        int port = freePort();
        int lokiPort = freePort();
        Files.writeString(logs.resolve("app.log"), "before loki is up\n");
        Files.writeString(cfg, config(port, logs, out, "http://127.0.0.1:" + lokiPort, "", ""));
        try (AgentProcess agent = AgentProcess.start(tmp.resolve("agent.log"), "128m", "run", "-c", cfg.toString())) {
            await("readiness to report the failing output", () -> {
                try {
                    HttpResponse<String> r = get(port, "/readyz", null);
                    return r.statusCode() == 503 && r.body().contains("\"outputs.loki\":\"failing: connection\"");
                } catch (Exception e) {
                    return false;
                }
            }, agent);
            assertTrue(agent.isAlive());
            assertEquals(200, get(port, "/healthz", null).statusCode(), "alive while an output is down");
            try (LokiReceiver loki = LokiReceiver.builder().port(lokiPort).start()) {
                await("delivery once Loki is up", () -> loki.entryCount(LokiReceiver.DEFAULT_TENANT) >= 1, agent);
                assertEquals(List.of("before loki is up"), loki.lines(LokiReceiver.DEFAULT_TENANT, Map.of("job", "ops")));
                await("readiness", () -> {
                    try {
                        return get(port, "/readyz", null).statusCode() == 200;
                    } catch (Exception e) {
                        return false;
                    }
                }, agent);
                assertEquals(0, agent.terminate(30));
            }
        }
    }

    /**
     * A process started with SIGHUP ignored passes that on across exec (nohup, some CI runners); the JVM then
     * refuses to install a SIGHUP handler without saying so, and every reload signal was silently dropped: the
     * "lost SIGHUP" of about one CI run in ten. The agent resets the disposition and reloads on the first signal.
     */
    @Test
    void sighupIgnoredByTheParentStillReloads() throws Exception {
        Path logs = Files.createDirectories(tmp.resolve("logs"));
        Path out = tmp.resolve("out.ndjson");
        Path cfg = tmp.resolve("pipeline.yaml");
        int port = freePort();
        try (LokiReceiver loki = LokiReceiver.builder().start()) {
            Files.writeString(cfg, config(port, logs, out, loki.url(), "", ""));
            List<String> cmd = new java.util.ArrayList<>(List.of("sh", "-c", "trap '' HUP; exec \"$0\" \"$@\"", AgentProcess.java(),
                    "-Xmx128m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED", "-jar", AgentProcess.jar().toString(),
                    "run", "-c", cfg.toString()));
            Path log = tmp.resolve("agent-hup.log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!Files.readString(log).contains("started:") && System.nanoTime() < deadline && p.isAlive()) Thread.sleep(100);
                assertTrue(Files.readString(log).contains("started:"), Files.readString(log));
                String status = Files.readString(Path.of("/proc", Long.toString(p.pid()), "status"));
                assertTrue(status.contains("SigCgt:") && (Long.parseLong(status.replaceAll("(?s).*SigIgn:\\s*([0-9a-f]+).*", "$1"), 16) & 1) == 0,
                        "SIGHUP is no longer ignored: " + status);
                Files.writeString(cfg, config(port, logs, out, loki.url(), "{fields: {add: {reloaded: yes}}}", ""));
                signal(p.pid(), "HUP");
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!Files.readString(log).contains("reloaded ") && System.nanoTime() < deadline) Thread.sleep(100);
                assertTrue(Files.readString(log).contains("reloaded "), "one SIGHUP reloads; log:\n" + Files.readString(log));
                assertTrue(p.isAlive());
            } finally {
                p.destroy();
                if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
            }
        }
    }

    private static void signal(long pid, String sig) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor());
    }
}
