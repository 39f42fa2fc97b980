package io.outrigger.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.outrigger.agent.config.testplugins.FakeFileInput;
import io.outrigger.agent.config.testplugins.FakeJsonStage;
import io.outrigger.agent.config.testplugins.FakeRegexStage;
import io.outrigger.agent.config.testplugins.FakeScrapeInput;
import io.outrigger.agent.config.testplugins.FakeStdoutOutput;
import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageFactory;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class EdgeCasesTest {

    /** A config that is a plain class, not a record: Jackson's own unknown-key check applies. */
    public static final class Legacy {
        public String name;
        public Integer size;
    }

    static final class LegacyStage implements StageFactory<Legacy> {
        @Override public String type() { return "legacy"; }

        @Override public Class<Legacy> configType() { return Legacy.class; }

        @Override public Stage create(Legacy c, ComponentContext ctx) { return (r, out) -> out.accept(r); }
    }

    /** A factory whose validate() has a bug. */
    static final class ThrowingStage implements StageFactory<FakeJsonStage.Config> {
        @Override public String type() { return "throwing"; }

        @Override public Class<FakeJsonStage.Config> configType() { return FakeJsonStage.Config.class; }

        @Override public List<ConfigProblem> validate(FakeJsonStage.Config c) { throw new IllegalStateException("oops"); }

        @Override public Stage create(FakeJsonStage.Config c, ComponentContext ctx) { return null; }
    }

    private static ConfigLoader loader() {
        return new ConfigLoader(Fixtures.ENV, new ComponentRegistry(List.of(new FakeFileInput(), new FakeScrapeInput()),
                List.of(new FakeJsonStage(), new FakeRegexStage(), new LegacyStage(), new ThrowingStage()),
                List.of(new FakeStdoutOutput())));
    }

    @Test
    void nonRecordConfigsFallBackToJacksonsUnknownKeyCheck() throws Exception {
        assertEquals("pipelines.app.stages[0].legacy.nmae (line 9): unknown key \"nmae\" (did you mean \"name\"?)",
                Fixtures.problems(loader(), Fixtures.withBasics("", "\n      - legacy: {nmae: x}", "")));
        PipelineConfig c = loader().parse(Fixtures.withBasics("", "[legacy: {name: x, size: 3}]", ""), Path.of("x"));
        Legacy l = (Legacy) ((StageSpec.Plugin) c.pipelines().get("app").stages().get(0)).config();
        assertEquals("x", l.name);
        assertEquals(3, l.size);
    }

    @Test
    void aValidateThatThrowsBecomesAProblem() {
        assertEquals("pipelines.app.stages[0].throwing (line 8): could not be checked: oops",
                Fixtures.problems(loader(), Fixtures.withBasics("", "[throwing]", "")));
    }

    @Test
    void optionsMustBeAMap() {
        assertEquals("pipelines.app.stages[0].regex (line 9): expected a map of options (key: value), got \"x\"",
                Fixtures.problems(loader(), Fixtures.withBasics("", "\n      - regex: x", "")));
    }

    @Test
    void outOfRangeNumbers() {
        assertEquals("outputs.console.concurrency (line 13): number out of range, got 99999999999",
                Fixtures.problems(loader(), Fixtures.withBasics("", "[]", "    concurrency: 99999999999\n")));
    }

    @Test
    void oneDocumentPerFile() {
        assertEquals("a config file holds one YAML document; found another at line 14",
                Fixtures.problems(loader(), Fixtures.withBasics("", "[]", "---\ninputs: {}\n")));
    }

    @Test
    void anEmptyValueTakesTheDefault() throws Exception {
        PipelineConfig c = loader().parse("agent:\n  http:\n    listen:\n  data_dir:\n" + Fixtures.withBasics("", "[]", ""),
                Path.of("x"));
        assertEquals("0.0.0.0:2020", c.agent().httpListen());
        assertEquals(Path.of("./data"), c.agent().dataDir());
    }

    @Test
    void yesAndNoAreStringsNotBooleans() {
        assertEquals("inputs.app.read_from (line 5): \"no\" is not one of head, tail",
                Fixtures.problems(loader(), Fixtures.withBasics("", "[]", "").replace("paths: [/a.log]",
                        "paths: [/a.log]\n    read_from: no")));
    }

    @Test
    void emptyDataDirAndBadPorts() {
        assertEquals("""
                agent.data_dir (line 2): must not be empty
                agent.http.listen (line 3): invalid address ":99999" (expected host:port such as 0.0.0.0:2020 or 127.0.0.1:2020, or "" to disable)""",
                Fixtures.problems(loader(), "agent:\n  data_dir: ''\n  http: {listen: ':99999'}\n"
                        + Fixtures.withBasics("", "[]", "")));
    }
}
