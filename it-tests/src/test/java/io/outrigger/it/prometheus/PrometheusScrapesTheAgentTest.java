package io.outrigger.it.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.it.e2e.AgentProcess;
import io.outrigger.it.servers.PrometheusServer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus scrapes the running agent's own /metrics (the agent as its own process, as in a Pod), and
 * the query finds the agent's series with the values of what it did.
 */
class PrometheusScrapesTheAgentTest {

    @TempDir Path tmp;

    @Test
    void prometheusFindsTheAgentsSeries() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path logs = Files.createDirectories(tmp.resolve("logs"));
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 250; i++) lines.append("{\"level\":\"").append(i % 5 == 0 ? "ERROR" : "INFO").append("\",\"n\":").append(i).append("}\n");
        Files.writeString(logs.resolve("app.log"), lines);
        Path cfg = tmp.resolve("pipeline.yaml");
        Files.writeString(cfg, """
                agent:
                  data_dir: %s
                  http:
                    listen: 127.0.0.1:%d
                inputs:
                  app:
                    type: file
                    paths: ["%s/*.log"]
                pipelines:
                  app:
                    from: [app]
                    stages:
                      - json
                      - metrics:
                          metrics:
                            error_lines_total:
                              type: counter
                              description: error lines
                              match: {field: level, equals: ERROR}
                    to: [out]
                outputs:
                  out:
                    type: file
                    path: %s
                """.formatted(tmp.resolve("data"), port, logs, tmp.resolve("out.ndjson")));
        try (AgentProcess agent = AgentProcess.start(tmp.resolve("agent.log"), "128m", "run", "-c", cfg.toString());
             PrometheusServer prometheus = PrometheusServer.start(List.of("127.0.0.1:" + port))) {
            Duration deadline = Duration.ofSeconds(60);
            List<PrometheusServer.Sample> read = prometheus.awaitQuery("outrigger_input_lines_read_total{input=\"app\"}", deadline,
                    s -> !s.isEmpty() && s.getFirst().value() >= 250);
            assertEquals(250.0, read.getFirst().value(), agent.logText());
            List<PrometheusServer.Sample> sent = prometheus.awaitQuery("outrigger_output_records_sent_total{output=\"out\"}", deadline,
                    s -> !s.isEmpty() && s.getFirst().value() >= 250);
            assertEquals(250.0, sent.getFirst().value());
            List<PrometheusServer.Sample> errors = prometheus.awaitQuery("outrigger_custom_error_lines_total", deadline,
                    s -> !s.isEmpty() && s.getFirst().value() >= 50);
            assertEquals(50.0, errors.getFirst().value(), "the metrics stage's counter, derived from log fields");
            List<PrometheusServer.Sample> jvm = prometheus.query("jvm_memory_used_bytes");
            assertFalse(jvm.isEmpty(), "JVM metrics are scraped too");
            assertTrue(agent.isAlive());
        }
    }
}
