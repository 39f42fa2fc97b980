package io.outrigger.agent.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** STUB until the config loader lands. */
public record PipelineConfig(Path source, AgentSettings agent, Map<String, InputSpec> inputs,
                             Map<String, PipelineSpec> pipelines, Map<String, OutputSpec> outputs, List<TestCase> tests) {
    public String summary() { return source + ": OK"; }
}
