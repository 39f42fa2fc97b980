package io.outrigger.agent.cli;

import io.outrigger.agent.config.PipelineConfig;
import io.outrigger.agent.config.PipelineSpec;
import io.outrigger.agent.config.TestCase;
import io.outrigger.agent.runtime.SampleRunner;
import io.outrigger.core.event.Fields;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.RecordJson;
import io.outrigger.core.event.Value;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code outrigger test}: runs the {@code tests:} of a pipeline file. Each test feeds its {@code input} through
 * its pipeline's stages and compares the records that come out with {@code expect}: one entry per record, each
 * listing the keys it checks ({@code message}, {@code @timestamp}, {@code labels}, or a field name; dotted names
 * reach into nested fields). Keys not listed are not checked.
 */
@Command(name = "test", mixinStandardHelpOptions = true, description = "Run the tests: section of a pipeline file.")
final class TestCommand implements Callable<Integer> {

    @CommandLine.Mixin ConfigOption config;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PipelineConfig loaded = config.load(spec.commandLine().getErr());
        if (loaded == null) return Main.EXIT_CONFIG;
        if (loaded.tests().isEmpty()) {
            out.println(config.file + ": no tests (add a tests: section)");
            return 1;
        }
        int failed = 0;
        for (TestCase t : loaded.tests()) {
            PipelineSpec pipeline = loaded.pipelines().get(t.pipeline());
            List<LogRecord> got = new SampleRunner(pipeline, System.getenv(), InstantSource.system())
                    .run(t.input().getBytes(StandardCharsets.UTF_8), SampleRunner.lineHandling(loaded, pipeline), "test", null);
            List<String> problems = compare(t.expect(), got);
            if (problems.isEmpty()) {
                out.println("PASS  " + t.name());
            } else {
                failed++;
                out.println("FAIL  " + t.name() + " (line " + t.line() + ")");
                for (String p : problems) out.println("      " + p);
                out.println("      records out:");
                for (LogRecord r : got) out.println("        " + RecordJson.toJson(r));
            }
        }
        out.println((loaded.tests().size() - failed) + " passed, " + failed + " failed");
        out.flush();
        return failed == 0 ? 0 : 1;
    }

    static List<String> compare(List<Map<String, Object>> expect, List<LogRecord> got) {
        List<String> problems = new ArrayList<>();
        if (expect.size() != got.size()) {
            problems.add("expected " + expect.size() + " records, got " + got.size());
        }
        for (int i = 0; i < Math.min(expect.size(), got.size()); i++) {
            LogRecord r = got.get(i);
            for (Map.Entry<String, Object> e : expect.get(i).entrySet()) {
                String key = e.getKey();
                Object want = e.getValue();
                if (key.equals("labels")) {
                    if (!(want instanceof Map<?, ?> m)) {
                        problems.add("record " + (i + 1) + ": labels: expect a map");
                        continue;
                    }
                    for (Map.Entry<?, ?> le : m.entrySet()) {
                        String lv = r.labels().get(String.valueOf(le.getKey()));
                        if (!String.valueOf(le.getValue()).equals(lv)) {
                            problems.add("record " + (i + 1) + ": label " + le.getKey() + ": expected \"" + le.getValue() + "\", got "
                                    + (lv == null ? "no such label" : "\"" + lv + "\""));
                        }
                    }
                    continue;
                }
                if (key.equals("message") || key.equals("@timestamp") || key.equals("timestamp")) {
                    String actual = key.equals("message") ? r.message() : r.timestamp().toString();
                    String expected = expectedText(want);
                    if (!matches(expected, actual, !key.equals("message"))) {
                        problems.add("record " + (i + 1) + ": " + key + ": expected " + quote(expected) + ", got " + quote(actual));
                    }
                    continue;
                }
                // a field: its value and its type ("404" is a string, 404 a number)
                Value actual = r.fields().getPath(key);
                Value expected = toValue(want);
                if (actual == null) {
                    problems.add("record " + (i + 1) + ": " + key + ": expected " + describe(expected) + ", got no such field");
                } else if (!sameTyped(expected, actual)) {
                    problems.add("record " + (i + 1) + ": " + key + ": expected " + describe(expected) + ", got " + describe(actual));
                }
            }
        }
        return problems;
    }

    private static boolean matches(String expected, String actual, boolean time) {
        if (expected.equals(actual)) return true;
        if (time) {
            try {
                return java.time.Instant.parse(expected).equals(java.time.Instant.parse(actual));
            } catch (RuntimeException e) {
                return false;
            }
        }
        return false;
    }

    /** Equal values of the same JSON type; integers and floats are both numbers (2 equals 2.0). */
    private static boolean sameTyped(Value expected, Value actual) {
        if (isNumber(expected) && isNumber(actual)) return number(expected) == number(actual);
        return expected.getClass() == actual.getClass() && RecordJson.valueToJson(expected).equals(RecordJson.valueToJson(actual));
    }

    private static boolean isNumber(Value v) { return v instanceof Value.Int || v instanceof Value.Float; }

    private static double number(Value v) { return v instanceof Value.Int i ? i.value() : ((Value.Float) v).value(); }

    /** The value as JSON, with its type when the JSON alone could mislead: {@code "404" (a string)}, {@code 404 (a number)}. */
    private static String describe(Value v) {
        String type = switch (v) {
            case Value.Str s -> "a string";
            case Value.Int n -> "a number";
            case Value.Float n -> "a number";
            case Value.Bool b -> "a boolean";
            case Value.Arr a -> "a list";
            case Value.Obj o -> "a map";
            default -> "null";
        };
        String json = RecordJson.valueToJson(v).replace("\n", "\\n");
        return v instanceof Value.Null ? "null" : json + " (" + type + ")";
    }

    private static String expectedText(Object want) {
        if (want instanceof Map<?, ?> || want instanceof List<?>) {
            return RecordJson.valueToJson(toValue(want));
        }
        return String.valueOf(want);
    }

    private static Value toValue(Object o) {
        return switch (o) {
            case null -> Value.NULL;
            case String s -> Value.of(s);
            case Integer i -> Value.of((long) i);
            case Long l -> Value.of(l);
            case Number n -> Value.of(n.doubleValue());
            case Boolean b -> Value.of(b);
            case List<?> l -> new Value.Arr(l.stream().map(TestCommand::toValue).toList());
            case Map<?, ?> m -> {
                Fields.Builder b = Fields.builder();
                m.forEach((k, v) -> b.put(String.valueOf(k), toValue(v)));
                yield new Value.Obj(b.build());
            }
            default -> Value.of(String.valueOf(o));
        };
    }

    private static String quote(String s) { return "\"" + s.replace("\n", "\\n") + "\""; }
}
