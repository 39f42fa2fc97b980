package io.outrigger.parsers;

import static io.outrigger.parsers.StageHarness.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.pipeline.StageFactory;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigValidationTest {

    private static List<String> messages(String type, String json) {
        return problems(type, json).stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void everyStageIsRegisteredAndBareStagesBind() {
        Set<String> types = new TreeSet<>();
        for (StageFactory<?> f : ServiceLoader.load(StageFactory.class)) types.add(f.type());
        assertEquals(new TreeSet<>(List.of("cri", "docker", "drop", "fields", "json", "kubernetes", "labelallow", "labeldrop", "labels", "logfmt",
                "metrics", "multiline", "redact", "regex", "sampling", "template", "timestamp")), types);
        for (String bare : List.of("json", "logfmt", "cri", "docker", "timestamp", "labels", "fields", "kubernetes")) {
            assertEquals(List.of(), problems(bare, null), bare);
        }
    }

    @ParameterizedTest(name = "{0}: {2}")
    @CsvSource(delimiter = '|', value = {
            "regex | {\"pattern\":\"^(?<a>x(y\"} | pattern: unclosed group near index 9",
            "regex | {\"pattern\":\"^[a-\"} | pattern: illegal character range near index 4",
            "regex | {\"pattern\":\"^(x)$\"} | pattern: has no named groups, e.g. (?<level>\\w+)",
            "regex | {\"preset\":\"nginx\"} | preset: unknown preset \"nginx\" (known: apache_common, apache_error, nginx_combined, syslog_rfc3164, syslog_rfc5424)",
            "regex | {} | set either pattern or preset (apache_common, apache_error, nginx_combined, syslog_rfc3164, syslog_rfc5424)",
            "regex | {\"pattern\":\"(?<a>.)\",\"types\":{\"a\":\"integer\"}} | types.a: unknown type \"integer\" (expected int, float, bool or string)",
            "regex | {\"pattern\":\"(?<a>.)\",\"timezone\":\"Mars/Base\"} | timezone: unknown time zone \"Mars/Base\" (e.g. UTC, Europe/Berlin, +02:00)",
            "multiline | {\"preset\":\"ruby\"} | preset: unknown preset \"ruby\" (known: go, java, python)",
            "multiline | {\"start_pattern\":\"(\",\"max_lines\":0} | start_pattern: unclosed group near index 1",
            "multiline | {} | set exactly one of start_pattern, continue_pattern or preset (go, java, python)",
            "cri | {\"flush_timeout\":\"0\"} | flush_timeout: must be positive, e.g. 5s",
            "timestamp | {\"format\":\"%Q\"} | format: invalid time format \"%Q\": unsupported strftime directive %Q (use one of auto, rfc3339, rfc3339nano, iso8601, unix, unix_ms, unix_us, unix_ns, rfc3164 or a pattern such as yyyy-MM-dd HH:mm:ss)",
            "labels | {\"9bad\":\"x\"} | 9bad: invalid label name (use letters, digits and _, not starting with a digit)",
            "labels | {\"level\":\"{{level\"} | level: unclosed {{ at index 0 in \"{{level\"",
            "drop | {\"field\":\"level\"} | set at least one of equals, regex or missing",
            "drop | {\"regex\":\"[\"} | regex: unclosed character class near index 0",
            "redact | {\"preset\":\"ssn\"} | preset: unknown preset \"ssn\" (known: bearer_token, credit_card, email)",
            "redact | {\"presets\":[\"email\",\"iban\"]} | presets[1]: unknown preset \"iban\" (known: bearer_token, credit_card, email)",
            "kubernetes | {\"labels\":[\"pod\",\"image\"]} | labels[1]: unknown name \"image\" (known: namespace, pod, pod_uid, container, node)",
            "template | {\"message\":\"{{}}\"} | message: empty {{}} at index 0 in \"{{}}\"",
            "fields | {\"add\":{\"x\":[1]}} | add.x: must be a text, number or boolean",
    })
    void reportsProblemsWithTheirKeyPath(String type, String json, String expected) {
        assertEquals(expected, messages(type, json).getFirst());
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertEquals(List.of("start_pattern: unclosed group near index 1", "max_lines: must be at least 1"),
                messages("multiline", "{\"start_pattern\":\"(\",\"max_lines\":0}"));
    }

    @Test
    void unknownKeysAreRejectedByBinding() {
        assertThrows(IllegalArgumentException.class, () -> problems("json", "{\"flaten\":true}"));
    }
}
