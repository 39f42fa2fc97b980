package io.outrigger.agent.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code tests:} entry, for {@code outrigger test}: feed {@code input} (one record per line) to
 * {@code pipeline} and compare with {@code expect}, whose values are plain Java as read from the YAML (String,
 * Integer, Long, BigInteger, Double, Boolean, null, Map, List). {@code line} is where the entry starts in the file.
 * Test entries are taken literally: no {@code ${VAR}} substitution.
 */
public record TestCase(String name, String pipeline, String input, List<Map<String, Object>> expect, int line) {

    public TestCase {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(input, "input");
        expect = List.copyOf(expect);
    }
}
