package io.outrigger.agent.config;

import io.outrigger.agent.config.testplugins.FakeFileInput;
import io.outrigger.agent.config.testplugins.FakeHttpOutput;
import io.outrigger.agent.config.testplugins.FakeJsonStage;
import io.outrigger.agent.config.testplugins.FakeRegexStage;
import io.outrigger.agent.config.testplugins.FakeScrapeInput;
import io.outrigger.agent.config.testplugins.FakeStdoutOutput;
import io.outrigger.core.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** The fake plugins and helpers the config tests share. */
final class Fixtures {

    /** The secret the fixtures use; no message may contain it. */
    static final String PASSWORD = "pa55-w0rd-never-shown";

    static final Map<String, String> ENV = Map.of(
            "LOKI_PASSWORD", PASSWORD,
            "CONCURRENCY", "4",
            "BATCH_RECORDS", "500",
            "EMPTY", "");

    private Fixtures() {}

    static ComponentRegistry registry() {
        return new ComponentRegistry(List.of(new FakeFileInput(), new FakeScrapeInput()),
                List.of(new FakeJsonStage(), new FakeRegexStage()),
                List.of(new FakeStdoutOutput(), new FakeHttpOutput()));
    }

    static ConfigLoader loader() { return new ConfigLoader(ENV, registry()); }

    static Path resource(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/config/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The problems of a config that must fail, one rendered problem per line. */
    static String problems(String yaml) {
        return problems(loader(), yaml);
    }

    static String problems(ConfigLoader loader, String yaml) {
        ConfigException e = assertThrows(ConfigException.class, () -> loader.parse(yaml, Path.of("test.yaml")));
        return e.problems().stream().map(Object::toString).collect(Collectors.joining("\n"));
    }

    /** Wraps the bits of YAML a test is about in a valid file. */
    static String withBasics(String extraInputs, String stages, String extraOutputs) {
        return """
                inputs:
                  app:
                    type: file
                    paths: [/a.log]
                %spipelines:
                  app:
                    from: [app]
                    stages: %s
                    to: [console]
                outputs:
                  console:
                    type: stdout
                %s""".formatted(extraInputs, stages, extraOutputs);
    }
}
