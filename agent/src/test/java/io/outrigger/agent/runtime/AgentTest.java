package io.outrigger.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.agent.config.AgentSettings;
import io.outrigger.agent.config.InputSpec;
import io.outrigger.agent.config.OutputSpec;
import io.outrigger.agent.config.PipelineConfig;
import io.outrigger.agent.config.PipelineSpec;
import io.outrigger.agent.config.StageSpec;
import io.outrigger.core.config.ByteSize;
import io.outrigger.core.config.RetryConfig;
import io.outrigger.core.telemetry.Metrics;
import io.outrigger.inputs.file.FileInputConfig;
import io.outrigger.inputs.file.FileInputFactory;
import io.outrigger.inputs.generator.GeneratorInputConfig;
import io.outrigger.inputs.generator.GeneratorInputFactory;
import io.outrigger.parsers.MultilineConfig;
import io.outrigger.parsers.MultilineStageFactory;
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

    /**
     * An idle agent has nothing on its timer: stage ticks run while a stage holds records (here the last joined
     * record, which only a tick releases), a checkpoint write follows the last acknowledgement, a heap trim the
     * quiet time after it, then nothing is scheduled at all (a periodic duty would stay queued forever), so the
     * timer thread sleeps until work comes.
     */
    @Test
    void theTimerHasNothingQueuedOnceTheAgentIsIdle() throws Exception {
        Path log = tmp.resolve("logs/app.log");
        Files.createDirectories(log.getParent());
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 100; i++) text.append("line ").append(i).append("\n  continued\n");
        Files.writeString(log, text);
        Path out = tmp.resolve("out.ndjson");
        AgentSettings settings = new AgentSettings(tmp.resolve("data"), Duration.ofSeconds(5), ByteSize.ofMiB(1),
                Duration.ofMillis(100), "", "text", "info", null);
        StageSpec multiline = new StageSpec.Plugin("pipelines.p.stages[0]", "multiline", new MultilineStageFactory(),
                new MultilineConfig("^line", null, null, Duration.ofMillis(200), null, null));
        PipelineConfig config = new PipelineConfig(tmp.resolve("pipeline.yaml"), settings,
                Map.of("app", new InputSpec("app", "file", new FileInputFactory(), FileInputConfig.of(tmp + "/logs/*.log"))),
                Map.of("p", new PipelineSpec("p", List.of("app"), List.of(multiline), List.of("out"))),
                Map.of("out", new OutputSpec("out", "file", new FileOutputFactory(), new FileOutputConfig(out, false, null, null, 1))),
                List.of());
        Agent agent = new Agent(config, Map.of(), Metrics.newIsolated(), InstantSource.system());
        agent.trimAfter(Duration.ofMillis(300)); // the one-shot heap trim after the last write, 30 s in production
        agent.start();
        try {
            // quiet: every line out and nothing queued for a whole second (a periodic duty is always queued but
            // for the moments it runs; a one-shot one queued later breaks the quiet and the wait starts again)
            long deadline = System.nanoTime() + 30_000_000_000L;
            long quietSince = -1;
            while (System.nanoTime() < deadline) {
                long now = System.nanoTime();
                if (lines(out) < 100 || agent.timedDutiesPending() > 0) quietSince = -1;
                else if (quietSince < 0) quietSince = now;
                else if (now - quietSince > 1_000_000_000L) break;
                Thread.sleep(50);
            }
            assertEquals(100, lines(out), "the last record, held by the multiline stage, was released by a tick");
            assertEquals(0, agent.timedDutiesPending(), "nothing is scheduled while idle");
            String saved = Files.readString(tmp.resolve("data/checkpoints.json"));
            assertTrue(saved.contains("\"offset\" : " + text.length()), "the checkpoint was written after the last acknowledgement: " + saved);
        } finally {
            agent.stop(Duration.ofSeconds(5));
        }
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
        // a write in progress holds the temporary name as a file: wait until nothing is left to write (nothing
        // changes before the put below, so nothing is written meanwhile)
        while (agent.checkpoints().changed() && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(!agent.checkpoints().changed(), "checkpoints still being written");
        // the checkpoint file's temporary name taken by a directory: every write fails, as on a full disk
        Files.createDirectory(tmp.resolve("data/checkpoints.json.tmp"));
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
