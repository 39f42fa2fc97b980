package io.outrigger.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.outrigger.core.event.Fields;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Value;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code outrigger test}: expected values are compared with their types, and a mismatch says both. */
class TestCommandTest {

    private static final LogRecord RECORD = LogRecord.builder().message("GET / 404").timeNanos(0)
            .fields(Fields.builder().put("code", Value.of(404L)).put("path", "/").put("ratio", Value.of(2.0))
                    .put("ok", Value.of(false)).build()).build();

    @Test
    void aStringIsNotANumber() {
        assertEquals(List.of("record 1: code: expected \"404\" (a string), got 404 (a number)"),
                TestCommand.compare(List.of(Map.of("code", "404")), List.of(RECORD)));
        assertEquals(List.of("record 1: ok: expected \"false\" (a string), got false (a boolean)"),
                TestCommand.compare(List.of(Map.of("ok", "false")), List.of(RECORD)));
        assertEquals(List.of("record 1: path: expected 1 (a number), got \"/\" (a string)"),
                TestCommand.compare(List.of(Map.of("path", 1)), List.of(RECORD)));
    }

    @Test
    void equalValuesOfTheSameTypePass() {
        assertEquals(List.of(), TestCommand.compare(List.of(Map.of("code", 404, "path", "/", "ratio", 2, "ok", false,
                "message", "GET / 404")), List.of(RECORD)));
        assertEquals(List.of("record 1: code: expected 500 (a number), got 404 (a number)"),
                TestCommand.compare(List.of(Map.of("code", 500)), List.of(RECORD)));
        assertEquals(List.of("record 1: missing: expected \"x\" (a string), got no such field"),
                TestCommand.compare(List.of(Map.of("missing", "x")), List.of(RECORD)));
    }
}
