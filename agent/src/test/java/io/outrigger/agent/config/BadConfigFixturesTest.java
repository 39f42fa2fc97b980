package io.outrigger.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven: every {@code config/bad/<name>.yaml} must fail with exactly the problems listed in
 * {@code <name>.expected}, one rendered problem per line, in that order (sorted by line).
 */
class BadConfigFixturesTest {

    static Stream<String> fixtures() throws IOException {
        try (Stream<Path> files = Files.list(Fixtures.resource("bad"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted()
                    .map(n -> n.substring(0, n.length() - ".yaml".length())).toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void failsWithExactlyTheExpectedProblems(String name) throws IOException {
        Path yaml = Fixtures.resource("bad/" + name + ".yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> Fixtures.loader().load(yaml));
        String actual = e.problems().stream().map(Object::toString).collect(Collectors.joining("\n"));
        Path expectedFile = yaml.resolveSibling(name + ".expected");
        assertTrue(Files.exists(expectedFile), "missing " + expectedFile + "; actual problems:\n" + actual);
        assertEquals(Files.readString(expectedFile).strip(), actual);
        assertEquals(actual, e.getMessage(), "the exception message lists the same problems");
        assertFalse(actual.contains(Fixtures.PASSWORD));
        assertFalse(actual.contains("java."), "no Java class names in messages");
        assertFalse(actual.contains("com.fasterxml"), "no Java class names in messages");
    }
}
