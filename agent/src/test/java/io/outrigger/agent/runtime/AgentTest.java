package io.outrigger.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.agent.config.AgentSettings;
import io.outrigger.agent.config.InputSpec;
import io.outrigger.agent.config.OutputSpec;
import io.outrigger.agent.config.PipelineConfig;
import io.outrigger.agent.config.PipelineSpec;
import io.outrigger.core.config.ByteSize;
import io.outrigger.core.config.RetryConfig;
import io.outrigger.core.telemetry.Metrics;
import io.outrigger.inputs.generator.GeneratorInputConfig;
import io.outrigger.inputs.generator.GeneratorInputFactory;
import io.outrigger.outputs.file.FileOutputConfig;
import io.outrigger.outputs.file.FileOutputFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime wiring: inputs to pipelines to several outputs, readiness, graceful stop. */
class AgentTest {

    @TempDir Path tmp;

    private PipelineConfig config(long count, Path... outputs) {
        AgentSettings settings = new AgentSettings(tmp.resolve("data"), Duration.ofSeconds(5), ByteSize.ofMiB(1),
                Duration.ofMillis(100), "", "text", "info", null);
        Map<String, InputSpec> inputs = Map.of("gen", new InputSpec("gen", "generator", new GeneratorInputFactory(),
                new GeneratorInputConfig(List.of("line {{seq}}"), Duration.ZERO, count)));
        Map<String, OutputSpec> outs = new LinkedHashMap<>();
        for (int i = 0; i < outputs.length; i++) {
            outs.put("out" + i, new OutputSpec("out" + i, "file", new FileOutputFactory(), new FileOutputConfig(outputs[i], false, null,
                    new RetryConfig(Duration.ofMillis(20), Duration.ofMillis(50), 0.0, 0, null), 1)));
        }
        Map<String, PipelineSpec> pipelines = Map.of("p", new PipelineSpec("p", List.of("gen"), List.of(), List.copyOf(outs.keySet())));
        return new PipelineConfig(tmp.resolve("pipeline.yaml"), settings, inputs, pipelines, outs, List.of());
    }

    private static long lines(Path file) throws Exception {
        return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    }

    @Test
    void everyRecordReachesEveryOutputInOrder() throws Exception {
        Path a = tmp.resolve("a.ndjson");
        Path b = tmp.resolve("b.ndjson");
        Agent agent = new Agent(config(5000, a, b), Map.of(), Metrics.newIsolated(), InstantSource.system());
        agent.start();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while ((lines(a) < 5000 || lines(b) < 5000) && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(agent.isReady(), agent.readiness().toString());
        assertTrue(agent.stop(Duration.ofSeconds(5)));
        assertEquals(5000, lines(a));
        assertEquals(5000, lines(b));
        List<String> got = Files.readAllLines(a);
        assertTrue(got.get(0).contains("\"message\":\"line 1\""));
        assertTrue(got.get(4999).contains("\"message\":\"line 5000\""));
        assertEquals(0, agent.budget().used(), "every record's bytes were given back");
    }

    @Test
    void aStuckOutputHoldsTheBudgetAndReportsNotReady() throws Exception {
        Path blocker = tmp.resolve("blocked");
        Files.writeString(blocker, "a file where a directory should be");
        Path ok = tmp.resolve("ok.ndjson");
        Agent agent = new Agent(config(100_000, ok, blocker.resolve("out.ndjson")), Map.of(), Metrics.newIsolated(), InstantSource.system());
        agent.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!agent.readiness().get("outputs.out1").startsWith("failing") && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(agent.readiness().get("outputs.out1").startsWith("failing: io_error"), agent.readiness().toString());
        Thread.sleep(300);
        assertTrue(agent.budget().used() <= agent.budget().max(), "the budget bounds what is in flight");
        assertTrue(lines(ok) < 100_000, "the healthy output is held back too: records wait for every output");
        Files.delete(blocker);
        deadline = System.nanoTime() + 30_000_000_000L;
        while ((lines(ok) < 100_000 || lines(tmp.resolve("blocked/out.ndjson")) < 100_000) && System.nanoTime() < deadline) Thread.sleep(50);
        assertTrue(agent.stop(Duration.ofSeconds(5)));
        assertEquals(100_000, lines(ok));
        assertEquals(100_000, lines(tmp.resolve("blocked/out.ndjson")));
    }

    @Test
    void checkpointsThatCannotBeWrittenMakeTheAgentNotReadyAndTheStopUnclean() throws Exception {
        Path out = tmp.resolve("out.ndjson");
        Metrics metrics = Metrics.newIsolated();
        Agent agent = new Agent(config(10, out), Map.of(), metrics, InstantSource.system());
        agent.start();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!agent.isReady() && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(agent.isReady(), agent.readiness().toString());
        // the checkpoint file's temporary name taken by a directory: every write fails, as on a full disk
        Files.createDirectories(tmp.resolve("data/checkpoints.json.tmp"));
        agent.checkpoints().put(new io.outrigger.core.checkpoint.FileCheckpoint("gen", "/var/log/app.log", "1:2", 7, 100));
        while (agent.checkpointProblem() == null && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(agent.readiness().get("checkpoints").startsWith("failing: cannot write " + tmp.resolve("data")), agent.readiness().toString());
        assertTrue(!agent.isReady(), "not ready while checkpoints cannot be written");
        assertTrue(metrics.registry().scrape().stream().anyMatch(m -> m.getMetadata().getPrometheusName().equals("outrigger_checkpoint_write_errors")
                && ((io.prometheus.metrics.model.snapshots.CounterSnapshot) m).getDataPoints().get(0).getValue() >= 1));
        assertTrue(!agent.stop(Duration.ofSeconds(5)), "a stop whose checkpoints were not saved is not clean");
        assertTrue(agent.checkpointProblem() != null);
    }
}
