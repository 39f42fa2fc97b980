package io.outrigger.agent.config;

import java.util.List;

/** STUB until the config loader lands. */
public record PipelineSpec(String name, List<String> from, List<StageSpec> stages, List<String> to) {}
