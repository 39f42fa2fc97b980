package io.outrigger.agent.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.agent.cli.Main;
import io.outrigger.agent.config.ComponentRegistry;
import io.outrigger.agent.config.ConfigLoader;
import io.outrigger.agent.config.PipelineConfig;
import io.outrigger.agent.http.AgentHttpServer;
import io.outrigger.agent.http.Readiness;
import io.outrigger.agent.runtime.Agent;
import io.outrigger.core.config.HttpAuth;
import io.outrigger.core.config.Secret;
import io.outrigger.core.telemetry.Metrics;
import io.outrigger.outputs.loki.LokiOutputConfig;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code /tap}, {@code outrigger tap} and {@code outrigger top} against a running agent over real HTTP. */
class TapTest {

    @TempDir Path tmp;

    private Agent agent;
    private AgentHttpServer http;

    @AfterEach void stop() {
        if (http != null) http.stop();
        if (agent != null) agent.stop(Duration.ofSeconds(5));
    }

    /** A generator feeding a json + match + drop pipeline into a file output; the tap on, on a free port. */
    private String start(boolean tap, long count, String interval) throws Exception { return start(tap, count, interval, null); }

    private Socket slow;

    private String start(boolean tap, long count, String interval, String slowRequest) throws Exception {
        String yaml = """
                agent:
                  data_dir: DATA
                  http: {listen: "", tap: TAP}
                inputs:
                  gen:
                    type: generator
                    interval: INTERVAL
                    count: COUNT
                    lines:
                      - '{"level":"ERROR","msg":"card declined","token":"s3cret-token-42"}'
                      - '{"level":"INFO","msg":"ok"}'
                      - '{"level":"DEBUG","msg":"noise"}'
                  files:
                    type: file
                    paths: [LOGS/*.log]
                pipelines:
                  app:
                    from: [gen, files]
                    stages:
                      - json
                      - match:
                          when: {field: level, equals: ERROR}
                          stages: [{labels: {alert: "yes"}}]
                      - drop: {field: level, equals: DEBUG}
                    to: [out]
                outputs:
                  out:
                    type: file
                    path: OUT
                """.replace("DATA", tmp.resolve("data").toString()).replace("LOGS", tmp.resolve("logs").toString()).replace("TAP", String.valueOf(tap))
                .replace("INTERVAL", interval).replace("COUNT", String.valueOf(count)).replace("OUT", tmp.resolve("out.ndjson").toString());
        PipelineConfig config = new ConfigLoader(Map.of(), ComponentRegistry.load()).parse(yaml, tmp.resolve("p.yaml"));
        agent = new Agent(config, Map.of(), Metrics.newIsolated(), InstantSource.system());
        http = new AgentHttpServer(agent.metrics().registry(), () -> true, () -> new Readiness(true, Map.of()));
        http.serve("/tap", new TapHandler(() -> agent.tap(), false, () -> List.of("s3cret-token-42")));
        http.start("127.0.0.1:0");
        if (slowRequest != null) {
            // a client that sends its request and never reads the answer, there before the first record
            slow = new Socket("127.0.0.1", http.port());
            slow.getOutputStream().write(slowRequest.getBytes(StandardCharsets.US_ASCII));
            slow.getOutputStream().flush();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!agent.tap().active() && System.nanoTime() < deadline) Thread.sleep(10);
            assertTrue(agent.tap().active());
        }
        agent.start();
        return "http://127.0.0.1:" + http.port();
    }

    private record Run(int code, String out, String err) {}

    private static Run cli(String... args) {
        CommandLine cl = Main.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test void tap_prints_the_records_after_a_stage_filtered_and_with_secrets_masked() throws Exception {
        String url = start(true, 0, "1ms");
        Run r = CompletableFuture.supplyAsync(() -> cli("tap", "--url", url, "--pipeline", "app", "--stage", "1",
                "--match", "level=ERROR", "--count", "3", "--format", "json")).get(30, TimeUnit.SECONDS);
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r.out());
        for (String l : lines) {
            assertTrue(l.contains("\"level\":\"ERROR\"") && l.contains("\"alert\":\"yes\""), "after the match stage (index 1): " + l);
            assertTrue(l.contains("******") && !l.contains("s3cret-token-42"), "the secret is masked: " + l);
        }
    }

    @Test void tap_at_the_input_side_sees_what_a_later_stage_drops_and_pretty_is_dry_runs_form() throws Exception {
        String url = start(true, 0, "1ms");
        Run r = CompletableFuture.supplyAsync(() -> cli("tap", "--url", url, "--pipeline", "app", "--stage", "input",
                "--match", "message=~DEBUG", "--count", "2")).get(30, TimeUnit.SECONDS);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("record 1:\n  @timestamp: "), r.out());
        assertTrue(r.out().contains("  message:    {\"level\":\"DEBUG\",\"msg\":\"noise\"}"), r.out());
        assertTrue(r.out().contains("record 2:"), r.out());
        // and before the output (the end of the pipeline): no DEBUG record reaches it
        Run end = CompletableFuture.supplyAsync(() -> cli("tap", "--url", url, "--output", "out", "--count", "20", "--format", "json"))
                .get(30, TimeUnit.SECONDS);
        assertEquals(20, end.out().lines().count(), end.out());
        assertFalse(end.out().contains("\"DEBUG\""), end.out());
    }

    @Test void a_client_that_does_not_read_never_slows_the_pipeline_what_it_misses_is_counted() throws Exception {
        long n = 60_000;
        String url = start(true, n, "0s", "GET /tap?limit=1000000 HTTP/1.1\r\nHost: x\r\n\r\n");
        try (Socket client = slow) {
            Path out = tmp.resolve("out.ndjson");
            long expected = n / 3 * 2; // DEBUG lines are dropped by the pipeline
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (lines(out) < expected && System.nanoTime() < deadline) Thread.sleep(50);
            assertEquals(expected, lines(out), "every record reached the output while the tap client read nothing");
            String metrics = get(url + "/metrics");
            long droppedSlow = (long) value(metrics, "outrigger_tap_records_dropped_total{reason=\"client_slow\"}");
            long sent = (long) value(metrics, "outrigger_tap_records_sent_total");
            assertTrue(droppedSlow > 0, metrics.lines().filter(l -> l.contains("tap")).toList().toString());
            // each record at the tap's point was taken by the client's writer, is in its queue, or was counted dropped
            assertTrue(droppedSlow + sent <= expected && droppedSlow + sent >= expected - TapHandler.QUEUE,
                    "dropped " + droppedSlow + " + sent " + sent + " vs " + expected);
            assertTrue(client.isConnected());
        }
    }

    @Test void top_shows_inputs_stages_and_outputs_from_metrics() throws Exception {
        Files.createDirectories(tmp.resolve("logs"));
        Files.writeString(tmp.resolve("logs/app.log"), "{\"level\":\"INFO\"}\n".repeat(1000));
        String url = start(false, 0, "2ms");
        Thread.sleep(300);
        Run r = cli("top", "--url", url, "--iterations", "2", "--interval", "300ms", "--no-clear");
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        assertTrue(out.contains("INPUT") && out.lines().anyMatch(l -> l.startsWith("files ") && l.contains(" 1000 ")), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("app") && l.contains("0:json")), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("app") && l.contains("2:drop")), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("out ")), out);
        String lastView = out.substring(out.lastIndexOf("outrigger top:"));
        assertFalse(lastView.lines().filter(l -> l.startsWith("out ")).findFirst().orElseThrow().contains(" - "), "a rate in the second view: " + lastView);
    }

    @Test void the_tap_is_off_unless_configured_and_bad_requests_say_why() throws Exception {
        String url = start(false, 0, "10ms");
        Run r = cli("tap", "--url", url, "--count", "1");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("404: the tap is off: set agent.http.tap: true"), r.err());
        stop();
        url = start(true, 0, "10ms");
        r = cli("tap", "--url", url, "--pipeline", "app", "--stage", "7");
        assertTrue(r.err().contains("400: pipeline app has no stage 7 (it has 0, 1, 1.0, 2)"), r.err());
        r = cli("tap", "--url", url, "--pipeline", "nope");
        assertTrue(r.err().contains("400: no pipeline \"nope\" (the agent has: app)"), r.err());
    }

    @Test void tap_on_a_stage_inside_match_sees_only_the_records_the_match_took() throws Exception {
        String url = start(true, 0, "1ms");
        Run r = CompletableFuture.supplyAsync(() -> cli("tap", "--url", url, "--pipeline", "app", "--stage", "1.0",
                "--count", "5", "--format", "json")).get(30, TimeUnit.SECONDS);
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(5, lines.size(), r.out());
        for (String l : lines) assertTrue(l.contains("\"level\":\"ERROR\"") && l.contains("\"alert\":\"yes\""), l);
    }

    @Test void secrets_of_a_config_are_found_in_nested_records() {
        LokiOutputConfig c = new LokiOutputConfig("http://loki", null, null, null, null, null, null,
                new HttpAuth("u", Secret.of("pa55word-long"), Secret.of("tok"), null, null), null, null, null, null,
                null, null, null, null);
        assertEquals(List.of("pa55word-long", "tok"), List.copyOf(TapHandler.secretsOf(Map.of("loki", c))));
        StringBuilder sb = new StringBuilder("{\"m\":\"tok token pa55word-long\"}");
        TapHandler.mask(sb, 0, List.of("pa55word-long", "tok"));
        assertEquals("{\"m\":\"****** token ******\"}", sb.toString());
    }

    private static long lines(Path f) throws Exception {
        if (!Files.exists(f)) return 0;
        try (var s = Files.lines(f)) {
            return s.count();
        }
    }

    private static String get(String url) throws Exception {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        try (InputStream in = c.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static double value(String metrics, String series) {
        return metrics.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElse(0);
    }
}
