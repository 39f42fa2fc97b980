package io.outrigger.parsers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Origin;
import io.outrigger.core.event.RecordJson;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Finalizer;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageOutput;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Table-driven parser fixtures: each directory under {@code src/test/resources/fixtures} holds {@code stages.json}
 * (a list of {@code {"type": ..., "config": {...}}}, plus an optional {@code "path"} for the records' origin),
 * {@code input.log} (one record per line) and {@code expected.jsonl} (the records that come out, after a final
 * flush, rendered with {@link RecordJson}; dropped ones as {@code DROPPED <reason> <message>}).
 * Run with {@code -Dfixtures.update=true} to rewrite the expected files (then review the diff).
 */
class FixtureTest {

    @TestFactory
    Stream<DynamicTest> fixtures() throws IOException, URISyntaxException {
        Path root = Path.of(FixtureTest.class.getResource("/fixtures").toURI());
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory).sorted().toList().stream()
                    .map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> run(dir)));
        }
    }

    private static void run(Path dir) throws IOException {
        JsonNode spec = StageHarness.MAPPER.readTree(dir.resolve("stages.json").toFile());
        ComponentContext ctx = StageHarness.context();
        List<Stage> stages = new ArrayList<>();
        for (JsonNode s : spec.get("stages")) {
            JsonNode config = s.get("config");
            stages.add(StageHarness.stage(s.get("type").asText(), config == null ? null : config.toString(), ctx));
        }
        String path = spec.has("path") ? spec.get("path").asText() : "/var/log/app.log";
        List<String> out = new ArrayList<>();
        StageOutput sink = new StageOutput() {
            @Override public void accept(LogRecord r) { out.add(RecordJson.toJson(r)); }
            @Override public void drop(LogRecord r, String reason) { out.add("DROPPED " + reason + " " + r.message()); }
        };
        StageOutput head = chain(stages, 0, sink);
        String input = Files.readString(dir.resolve("input.log"), StandardCharsets.UTF_8);
        long offset = 0;
        for (String line : input.split("\n", -1)) {
            if (offset >= input.getBytes(StandardCharsets.UTF_8).length) break;
            long end = offset + line.getBytes(StandardCharsets.UTF_8).length + 1;
            head.accept(LogRecord.of(StageHarness.READ_TIME, line, new Origin("test", path, "s1", offset, end),
                    Finalizer.NONE, 0));
            offset = end;
        }
        for (int i = 0; i < stages.size(); i++) stages.get(i).flush(chain(stages, i + 1, sink));
        Path expected = dir.resolve("expected.jsonl");
        String actual = String.join("\n", out) + "\n";
        if (Boolean.getBoolean("fixtures.update")) {
            Path source = Path.of("src/test/resources/fixtures").resolve(dir.getFileName()).resolve("expected.jsonl");
            Files.writeString(source, actual, StandardCharsets.UTF_8);
            return;
        }
        assertEquals(Files.readString(expected, StandardCharsets.UTF_8), actual, dir.getFileName().toString());
    }

    private static StageOutput chain(List<Stage> stages, int from, StageOutput sink) {
        if (from == stages.size()) return sink;
        StageOutput next = chain(stages, from + 1, sink);
        Stage stage = stages.get(from);
        return new StageOutput() {
            @Override public void accept(LogRecord r) { stage.process(r, next); }
            @Override public void drop(LogRecord r, String reason) { sink.drop(r, reason); }
        };
    }
}
