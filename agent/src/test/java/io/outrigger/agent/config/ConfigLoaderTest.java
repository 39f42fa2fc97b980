package io.outrigger.agent.config;

import static io.outrigger.agent.config.Fixtures.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.agent.config.testplugins.FakeFileInput;
import io.outrigger.agent.config.testplugins.FakeHttpOutput;
import io.outrigger.agent.config.testplugins.FakeJsonStage;
import io.outrigger.agent.config.testplugins.FakeRegexStage;
import io.outrigger.agent.config.testplugins.FakeStdoutOutput;
import io.outrigger.core.config.ByteSize;
import io.outrigger.core.config.ConfigException;
import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageFactory;
import io.outrigger.parsers.process.ConditionConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

    /** Options bound as YAML typed them (or a substitution did). */
    record Untyped(Object field, Object equals, Object missing, Object regex) {}

    private static final StageFactory<Untyped> UNTYPED = new StageFactory<>() {
        @Override public String type() { return "untyped"; }
        @Override public Class<Untyped> configType() { return Untyped.class; }
        @Override public Stage create(Untyped config, ComponentContext ctx) { return (r, out) -> out.accept(r); }
    };

    @Test
    void fullFileBindsEverySection() throws Exception {
        PipelineConfig c = Fixtures.loader().load(Fixtures.resource("good/full.yaml"));

        AgentSettings a = c.agent();
        assertEquals(Path.of("/var/lib/outrigger"), a.dataDir());
        assertEquals(Duration.ofSeconds(45), a.shutdownTimeout());
        assertEquals(Duration.ofMillis(500), a.checkpointInterval());
        assertEquals(ByteSize.ofMiB(64), a.bufferMaxBytes());
        assertEquals("127.0.0.1:9102", a.httpListen());
        assertEquals("text", a.logFormat());
        assertEquals("debug", a.logLevel());
        assertEquals(Path.of("/var/log/app/.done"), a.exitWhenFileExists());

        assertEquals(List.of("app", "metrics"), List.copyOf(c.inputs().keySet()));
        InputSpec app = c.inputs().get("app");
        assertEquals("file", app.type());
        assertEquals(new FakeFileInput.Config(List.of("/var/log/app/*.log", "/var/log/app/extra.log"), "head",
                ByteSize.ofMiB(1)), app.config());
        assertEquals("prometheus_scrape", c.inputs().get("metrics").type());

        PipelineSpec p = c.pipelines().get("app");
        assertEquals(List.of("app", "metrics"), p.from());
        assertEquals(List.of("console", "loki"), p.to());
        assertEquals(3, p.stages().size());
        StageSpec.Plugin json = assertInstanceOf(StageSpec.Plugin.class, p.stages().get(0));
        assertEquals("pipelines.app.stages[0]", json.path());
        assertEquals(new FakeJsonStage.Config("message", false), json.config());
        StageSpec.Plugin regex = assertInstanceOf(StageSpec.Plugin.class, p.stages().get(1));
        assertEquals("regex", regex.type());
        assertEquals("^(?<level>[A-Z]+) (?<message>.*)$", ((FakeRegexStage.Config) regex.config()).pattern());
        StageSpec.Match match = assertInstanceOf(StageSpec.Match.class, p.stages().get(2));
        assertEquals("match", match.type());
        assertEquals("pipelines.app.stages[2]", match.path());
        assertEquals(new ConditionConfig("level", "ERROR", null, null), match.when());
        StageSpec.Plugin nested = assertInstanceOf(StageSpec.Plugin.class, match.stages().get(0));
        assertEquals("pipelines.app.stages[2].match.stages[0]", nested.path());
        assertEquals(new FakeJsonStage.Config("message", true), nested.config());
        assertEquals(4, p.stageCount());

        FakeHttpOutput.Config loki = (FakeHttpOutput.Config) c.outputs().get("loki").config();
        assertEquals("http://loki:3100", loki.url());
        assertEquals(PASSWORD, loki.password().reveal());
        assertEquals(PASSWORD, loki.basicAuth().password().reveal());
        assertEquals("outrigger", loki.basicAuth().username());
        assertEquals(Map.of("app", "demo", "env", "dev"), loki.labels());
        assertEquals(Duration.ofSeconds(5), loki.timeout());
        assertEquals(4, loki.concurrency());
        assertEquals(500, loki.batch().maxRecords());
        assertEquals(Duration.ofSeconds(2), loki.batch().maxWait());
        assertEquals(ByteSize.ofMiB(1), loki.batch().maxBytes(), "defaults fill the rest of a nested block");
        assertEquals(5, loki.retry().maxAttempts());
        assertEquals(0.5, loki.retry().jitter());
        assertFalse(loki.toString().contains(PASSWORD));

        assertEquals(1, c.tests().size());
        TestCase t = c.tests().get(0);
        assertEquals("error lines are parsed", t.name());
        assertEquals("app", t.pipeline());
        assertEquals("ERROR disk full ${not substituted}\nINFO fine\n", t.input(), "tests are taken literally");
        assertEquals(56, t.line());
        Map<String, Object> first = t.expect().get(0);
        assertEquals("disk full ${not substituted}", first.get("message"));
        assertEquals(3, first.get("count"));
        assertEquals(0.5, first.get("ratio"));
        assertEquals(true, first.get("ok"));
        assertTrue(first.containsKey("none"));
        assertNull(first.get("none"));
        assertEquals(List.of("a", "b"), t.expect().get(1).get("tags"));

        assertEquals(Fixtures.resource("good/full.yaml").toString()
                        + ": 2 inputs (file, prometheus_scrape), 1 pipeline (4 stages), 2 outputs (http, stdout), 1 test: OK",
                c.summary());
    }

    @Test
    void minimalFileTakesDefaults() throws Exception {
        PipelineConfig c = Fixtures.loader().parse(Fixtures.read(Fixtures.resource("good/minimal.yaml")),
                Path.of("conf/demo.yaml"));
        assertEquals(AgentSettings.defaults(), c.agent());
        assertEquals(Path.of("./data"), c.agent().dataDir());
        assertEquals(Duration.ofSeconds(30), c.agent().shutdownTimeout());
        assertNull(c.agent().bufferMaxBytes(), "not set: sized from the outputs");
        assertEquals("0.0.0.0:2020", c.agent().httpListen());
        assertEquals("json", c.agent().logFormat());
        assertEquals("info", c.agent().logLevel());
        assertNull(c.agent().exitWhenFileExists());
        assertEquals(new FakeFileInput.Config(List.of("/var/log/app.log"), "tail", ByteSize.ofKiB(64)),
                c.inputs().get("app").config());
        assertEquals(List.of(), c.tests());
        assertEquals("conf/demo.yaml: 1 input (file), 1 pipeline (3 stages), 1 output (stdout): OK", c.summary());
    }

    @Test
    void emptyListenDisablesHttp() throws Exception {
        PipelineConfig c = Fixtures.loader().parse("agent: {http: {listen: \"\"}}\n" + Fixtures.withBasics("", "[]", ""),
                Path.of("x.yaml"));
        assertEquals("", c.agent().httpListen());
        assertFalse(c.agent().httpEnabled());
    }

    @Test
    void specsCreateTheirComponents() throws Exception {
        PipelineConfig c = Fixtures.loader().load(Fixtures.resource("good/full.yaml"));
        assertTrue(c.inputs().get("app").create(null) != null);
        assertTrue(((StageSpec.Plugin) c.pipelines().get("app").stages().get(0)).create(null) != null);
        assertTrue(c.outputs().get("console").create(null) != null);
    }

    // ---- environment variables ----

    @Test
    void envVariablesAreSubstitutedWithTypesDefaultsAndEscapes() throws Exception {
        ConfigLoader loader = new ConfigLoader(Map.of("FILE", "/from/env.log", "MAXB", "2MiB", "N", "7",
                "EMPTY", "", "PART", "app"), Fixtures.registry());
        PipelineConfig c = loader.parse("""
                inputs:
                  app:
                    type: file
                    paths: ["${FILE}", "${UNSET:-/default.log}", "${EMPTY:-/empty-default.log}", "lit-$${FILE}", "/${PART}/$x.log"]
                    max_line_bytes: ${MAXB}
                pipelines:
                  app: {from: [app], to: [out]}
                outputs:
                  out:
                    type: stdout
                    concurrency: ${N}
                    batch:
                      max_records: ${N}
                      max_wait: ${N}s
                """, Path.of("env.yaml"));
        FakeFileInput.Config file = (FakeFileInput.Config) c.inputs().get("app").config();
        assertEquals(List.of("/from/env.log", "/default.log", "/empty-default.log", "lit-${FILE}", "/app/$x.log"), file.paths());
        assertEquals(ByteSize.ofMiB(2), file.maxLineBytes());
        assertEquals(7, c.outputs().get("out").config().concurrency());
        assertEquals(7, c.outputs().get("out").config().batch().maxRecords());
        assertEquals(Duration.ofSeconds(7), c.outputs().get("out").config().batch().maxWait());
    }

    @Test
    void substitutedPlainScalarIsTypedQuotedStaysAString() throws Exception {
        ConfigLoader loader = new ConfigLoader(Map.of("N", "42", "B", "true"), Fixtures.registry());
        PipelineConfig c = loader.parse(Fixtures.withBasics("", "[]", "") + """
                tests:
                  - pipeline: app
                    input: x
                    expect: []
                """, Path.of("t.yaml"));
        assertEquals("tests[0]", c.tests().get(0).name(), "a test without a name is named by its position");
        ConfigLoader untyped = new ConfigLoader(Map.of("N", "42", "B", "true"), new ComponentRegistry(
                List.of(new FakeFileInput()), List.of(UNTYPED), List.of(new FakeStdoutOutput())));
        PipelineConfig typed = untyped.parse("""
                inputs: {app: {type: file, paths: [/a]}}
                pipelines:
                  app:
                    from: [app]
                    stages:
                      - untyped:
                          field: ${N}
                          equals: "${N}"
                          missing: ${B}
                          regex: x${N}
                    to: [out]
                outputs: {out: {type: stdout}}
                """, Path.of("t.yaml"));
        StageSpec.Plugin stage = (StageSpec.Plugin) typed.pipelines().get("app").stages().get(0);
        assertEquals(new Untyped(42, "42", true, "x42"), stage.config());
    }

    @Test
    void missingVariablesAreReportedAtTheirKeys() {
        ConfigLoader loader = new ConfigLoader(Map.of(), Fixtures.registry());
        assertEquals("""
                inputs.app.paths[0] (line 4): environment variable LOG_FILE is not set (use ${LOG_FILE:-default} to give a default)
                inputs.app.paths[1] (line 5): unclosed "${" (write $${ for a literal ${)
                outputs.out.type (line 11): environment variable OUT_TYPE is not set (use ${OUT_TYPE:-default} to give a default)
                outputs.out.batch.max_records (line 13): invalid variable reference "${1N}" (expected ${NAME} or ${NAME:-default}; write $${ for a literal ${)""",
                Fixtures.problems(loader, """
                        inputs:
                          app:
                            type: file
                            paths: ["${LOG_FILE}",
                               "${OOPS"]
                        pipelines:
                          app: {from: [app], to: [out]}
                        outputs:
                          out:

                            type: ${OUT_TYPE}
                            batch:
                              max_records: ${1N}
                        """));
    }

    // ---- secrets ----

    @Test
    void secretValuesNeverAppearInMessages() {
        String yaml = Fixtures.withBasics("", "[]", """
                  loki:
                    type: http
                    url: loki:3100
                    password: short
                    basic_auth:
                      password: ${LOKI_PASSWORD}
                      pasword: ${LOKI_PASSWORD}
                """);
        String problems = Fixtures.problems(yaml);
        assertEquals("""
                outputs.loki (line 13): not used by any pipeline (add it to a pipeline's "to" or remove it)
                outputs.loki.url (line 15): invalid URI "loki:3100" (expected http:// or https://)
                outputs.loki.password (line 16): "******" is shorter than 8 characters
                outputs.loki.basic_auth.username (line 17): required with basic_auth
                outputs.loki.basic_auth.pasword (line 19): unknown key "pasword" (did you mean "password"?)""",
                problems);
        assertFalse(problems.contains("\"short\""));
        assertFalse(problems.contains(PASSWORD));
    }

    @Test
    void aSecretGivenAsAMapIsNotEchoed() {
        String problems = Fixtures.problems(Fixtures.withBasics("", "[]", """
                  loki:
                    type: http
                    url: http://loki
                    password: {value: %s}
                """.formatted(PASSWORD)));
        assertTrue(problems.contains("outputs.loki.password (line 16): expected a string"), problems);
        assertFalse(problems.contains(PASSWORD));
    }

    @Test
    void syntaxErrorsNameLineAndColumnWithoutEchoingTheSource() {
        ConfigException e = assertThrows(ConfigException.class, () -> Fixtures.loader().parse("""
                outputs:
                  loki:
                    password: "%s
                    url: x
                  - broken
                """.formatted(PASSWORD), Path.of("x.yaml")));
        assertEquals(1, e.problems().size());
        ConfigProblem p = e.problems().get(0);
        assertTrue(p.message().startsWith("YAML syntax error at line "), p.message());
        assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
    }

    @Test
    void syntaxErrorMessageIsExact() {
        assertEquals("YAML syntax error at line 3, column 15: mapping values are not allowed here",
                Fixtures.problems("inputs:\n  app:\n    type: file: x\n"));
    }

    @Test
    void unreadableFilesAreReportedCleanly() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Fixtures.loader().load(Path.of("/no/such/dir/outrigger.yaml")));
        assertEquals("cannot read /no/such/dir/outrigger.yaml: no such file", e.getMessage());
    }

    @Test
    void emptyAndNonMapDocuments() {
        assertEquals("the file is empty (it needs at least inputs, pipelines and outputs)", Fixtures.problems("# nothing\n"));
        assertEquals("expected a map with the keys agent, inputs, pipelines, outputs, tests at the top",
                Fixtures.problems("- a\n- b\n"));
    }

    @Test
    void problemsAreSortedByLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> Fixtures.loader().parse("""
                outputs:
                  out: {type: stdot}
                inputs:
                  in: {type: fiel}
                pipelines:
                  p: {from: [in], to: [out], stage: []}
                agent: {log: {level: loud}}
                """, Path.of("x.yaml")));
        int[] lines = e.problems().stream().mapToInt(ConfigProblem::line).toArray();
        int[] sorted = lines.clone();
        Arrays.sort(sorted);
        assertTrue(Arrays.equals(sorted, lines), Arrays.toString(lines));
        assertEquals(List.of(2, 4, 6, 7), Arrays.stream(lines).boxed().toList());
    }
}
