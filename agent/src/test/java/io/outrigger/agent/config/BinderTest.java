package io.outrigger.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.outrigger.core.config.BatchConfig;
import io.outrigger.core.config.ConfigModule;
import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.config.Secret;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The binder on its own: which problems a block yields, at which key paths, and what still binds. */
class BinderTest {

    private static final ObjectMapper MAPPER = ConfigModule.newMapper();

    enum Mode { head, tail }

    record Auth(String username, Secret password) {
        public boolean isNone() { return username == null && password == null; }
    }

    record Metric(String type, List<Double> buckets) {
        Metric {
            buckets = buckets == null ? List.of() : List.copyOf(buckets);
            if ("histogram".equals(type) && buckets.isEmpty()) throw new IllegalArgumentException("a histogram needs buckets");
        }
    }

    record Config(String url, Integer workers, List<String> paths, List<Integer> ids, Mode mode, Map<String, String> labels,
                  BatchConfig batch, Auth auth, Map<String, Metric> metrics, Duration timeout) {
        Config {
            paths = paths == null ? List.of() : List.copyOf(paths);
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            if (batch == null) batch = BatchConfig.DEFAULT;
        }
    }

    record Labels(Map<String, String> labels) {
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        Labels {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }
    }

    private final Problems problems = new Problems();
    private final Binder binder = new Binder(MAPPER, problems);

    private <C> C bind(String json, Class<C> type) {
        return binder.bind("outputs.x", tree(json), type, Set.of("type"));
    }

    private static JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    private Set<String> found() {
        return problems.sorted().stream().map(ConfigProblem::toString).collect(Collectors.toSet());
    }

    @Test
    void everyProblemOfABlockIsReportedAtOnceAtItsKeyPath() {
        Config c = bind("""
                {"url": ["x"], "workers": "many", "paths": ["a", ["b"], "c", {"d": 1}], "ids": [1, 99999999999, 2, 99999999999],
                 "mode": "middle", "labels": [1], "batch": {"max_wait": "soon", "max_record": 5, "max_records": 7},
                 "auth": {"usernam": "u"}, "timeout": 10, "tpye": "x"}""", Config.class);
        assertEquals(Set.of(
                "outputs.x.url: expected a string, got a list",
                "outputs.x.workers: expected a number, got \"many\"",
                "outputs.x.paths[1]: expected a string, got a list",
                "outputs.x.paths[3]: expected a string, got a map",
                "outputs.x.ids[1]: number out of range, got 99999999999",
                "outputs.x.ids[3]: number out of range, got 99999999999",
                "outputs.x.mode: \"middle\" is not one of head, tail",
                "outputs.x.labels: expected a map (key: value), got a list",
                "outputs.x.batch.max_wait: invalid duration \"soon\" (expected a number with a unit: ms, s, m, h, d, e.g. 500ms or 30s)",
                "outputs.x.batch.max_record: unknown key \"max_record\" (did you mean \"max_records\"?)",
                "outputs.x.auth.usernam: unknown key \"usernam\" (did you mean \"username\"?)",
                "outputs.x.timeout: invalid duration 10 (a duration needs a unit, e.g. 10s or 10ms)",
                "outputs.x.tpye: unknown key \"tpye\" (did you mean \"type\"?)"), found());
        // the rest still binds, so the factory's validate() can check it; the bad keys take their defaults
        assertEquals(List.of(), c.paths());
        assertEquals(7, c.batch().maxRecords());
        assertEquals(Duration.ofSeconds(1), c.batch().maxWait());
        assertTrue(problems.isBroken("outputs.x.paths"), "a \"required\" at the list would repeat the problem in it");
        assertTrue(problems.isBroken("outputs.x.auth.username"), "the key the unknown one stands for");
    }

    @Test
    void onlyKeysTheRecordCanTakeAreKnown() {
        bind("{\"auth\": {\"nonee\": true}}", Config.class);
        assertEquals(Set.of("outputs.x.auth.nonee: unknown key \"nonee\" (known keys: password, username)"), found());
    }

    @Test
    void aConstructorThatRefusesItsValuesIsReportedWhereItIsAndTheRestBinds() {
        Config c = bind("{\"workers\": 3, \"metrics\": {\"a\": {\"type\": \"histogram\"}}}", Config.class);
        assertEquals(Set.of("outputs.x.metrics.a: a histogram needs buckets"), found());
        assertEquals(3, c.workers());
        assertNull(c.metrics());
    }

    @Test
    void aRefusalThatMayFollowFromAnotherProblemIsNotReported() {
        bind("{\"workers\": \"x\", \"metrics\": {\"a\": {\"type\": \"histogram\", \"buckets\": [\"many\"]}}}", Config.class);
        assertEquals(Set.of("outputs.x.workers: expected a number, got \"x\"",
                "outputs.x.metrics.a.buckets[0]: expected a number, got \"many\""), found());
    }

    @Test
    void aValueTheYamlReaderReportedTakesItsComponentOut() {
        // as YamlTree leaves a variable that is not set: reported, broken, null in the tree
        problems.addBroken("outputs.x.paths[1]", "environment variable LOG is not set");
        Config c = bind("{\"paths\": [\"/a.log\", null], \"workers\": 2}", Config.class);
        assertEquals(Set.of("outputs.x.paths[1]: environment variable LOG is not set"), found());
        assertEquals(List.of(), c.paths());
        assertEquals(2, c.workers());
        assertTrue(problems.isBroken("outputs.x.paths"));
    }

    @Test
    void theBlockItselfMustBeAMap() {
        assertNull(bind("\"x\"", Config.class));
        assertNull(bind("[1]", Auth.class));
        assertEquals(Set.of("outputs.x: expected a map of options (key: value), got \"x\""), found());
    }

    @Test
    void aDelegatingRecordTakesTheWholeMap() {
        assertEquals(Map.of("app", "{{app}}"), bind("{\"app\": \"{{app}}\"}", Labels.class).labels());
        assertNull(bind("{\"app\": \"x\", \"b\": [\"y\"]}", Labels.class));
        assertEquals(Set.of("outputs.x.b: expected a string, got a list"), found());
    }

    @Test
    void secretsAreHeardAndMaskedInEveryMessage() {
        Config c = bind("{\"auth\": {\"username\": \"u\", \"password\": \"pa55-w0rd-never-shown\"}}", Config.class);
        assertEquals("pa55-w0rd-never-shown", c.auth().password().reveal());
        problems.add("outputs.x.auth", "careless: pa55-w0rd-never-shown");
        assertEquals(Set.of("outputs.x.auth: careless: ******"), found());
        bind("{\"auth\": {\"password\": {\"value\": \"pa55-w0rd-never-shown\"}}}", Config.class);
        assertTrue(found().contains("outputs.x.auth.password: expected a string"), found().toString());
    }
}
