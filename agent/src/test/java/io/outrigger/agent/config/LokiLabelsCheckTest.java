package io.outrigger.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.outrigger.core.config.ConfigException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A Loki output needs labels on every stream: static ones, or a stage that sets them in each pipeline feeding it. */
class LokiLabelsCheckTest {

    private static final ConfigLoader LOADER = new ConfigLoader(Map.of(), ComponentRegistry.load());

    private static String yaml(String stages, String labels) {
        return """
                inputs:
                  app: {type: file, paths: ["/var/log/app/*.log"]}
                pipelines:
                  app:
                    from: [app]
                    stages: [%s]
                    to: [loki]
                outputs:
                  loki:
                    type: loki
                    url: http://loki:3100
                    %s
                """.formatted(stages, labels);
    }

    @Test
    void noStaticLabelsAndNoLabelStageIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> LOADER.parse(yaml("json", ""), Path.of("p.yaml")));
        assertEquals("outputs.loki.labels (line 9): Loki needs at least one label per stream: set static labels (e.g. labels: {job: app}),"
                + " which every record gets, or add a labels or kubernetes stage to the pipeline \"app\"",
                e.problems().stream().map(Object::toString).collect(Collectors.joining("\n")));
    }

    @Test
    void staticLabelsOrALabelStageAreEnough() throws Exception {
        LOADER.parse(yaml("json", "labels: {job: app}"), Path.of("p.yaml"));
        LOADER.parse(yaml("json, {labels: {level: \"{{level}}\"}}", ""), Path.of("p.yaml"));
        LOADER.parse(yaml("{kubernetes: {}}", ""), Path.of("p.yaml"));
    }
}
