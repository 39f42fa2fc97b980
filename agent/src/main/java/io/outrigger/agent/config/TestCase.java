package io.outrigger.agent.config;

import java.util.List;
import java.util.Map;

/** STUB until the config loader lands. */
public record TestCase(String name, String pipeline, String input, List<Map<String, Object>> expect, int line) {}
