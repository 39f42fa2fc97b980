package io.outrigger.parsers.process;

import static io.outrigger.parsers.StageHarness.line;
import static io.outrigger.parsers.StageHarness.stage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.event.Fields;
import io.outrigger.core.event.Labels;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Origin;
import io.outrigger.core.event.Value;
import io.outrigger.core.pipeline.Finalizer;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.parsers.StageHarness;
import io.outrigger.parsers.StageHarness.Collector;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProcessorsTest {

    private static LogRecord withFields(String message, Fields fields) {
        return line(message).toBuilder().fields(fields).build();
    }

    @Test
    void templateRendersMessageNestedFieldsAndReportsMissing() {
        LogRecord r = withFields("hello", Fields.builder().put("level", "info").put("n", Value.of(3))
                .put("http", new Value.Obj(Fields.of("status", Value.of(404)))).put("nul", Value.NULL).build());
        assertEquals("info hello 404/3", Template.compile("{{level}} {{ message }} {{http.status}}/{{n}}").render(r));
        assertNull(Template.compile("{{level}} {{absent}}").render(r));
        assertNull(Template.compile("{{nul}}").render(r), "JSON null counts as missing");
        assertEquals("info  x", Template.compile("{{level}} {{absent}} x").renderOrEmpty(r));
        assertEquals("constant", Template.compile("constant").render(r));
        assertTrue(Template.compile("no refs }} here").isConstant());
    }

    @Test
    void labelsFromTemplatesAndConstantsSkipMissingFields() {
        Stage st = stage("labels", "{\"level\":\"{{level}}\",\"app\":\"shop\",\"user\":\"{{user}}\"}");
        Collector out = new Collector();
        st.process(withFields("m", Fields.builder().put("level", "warn").build()), out);
        assertEquals(Labels.of("app", "shop", "level", "warn"), out.accepted.getFirst().labels());
        assertNull(out.accepted.getFirst().labels().get("user"), "no empty label for a missing field");
    }

    @Test
    void dropFiltersThroughStageOutputDrop() {
        Stage drop = stage("drop", "{\"field\":\"level\",\"regex\":\"^(debug|trace)$\"}");
        Stage keep = stage("drop", "{\"missing\":false,\"field\":\"user\",\"keep\":true}");
        Collector out = new Collector();
        drop.process(withFields("a", Fields.of("level", Value.of("debug"))), out);
        drop.process(withFields("b", Fields.of("level", Value.of("info"))), out);
        drop.process(line("c no level"), out);
        keep.process(withFields("d", Fields.of("user", Value.of("ada"))), out);
        keep.process(line("e no user"), out);
        assertEquals(List.of("b", "c no level", "d"), out.messages());
        assertEquals(List.of("filtered", "filtered"), out.dropReasons);
        assertEquals("a", out.dropped.get(0).message());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "message |       |              |       | card 4111111111111111 here | true",
            "message | hello |              |       | hello                      | true",
            "message | hello |              |       | hello!                     | false",
            "level   |       |              | true  | x                          | true",
            "level   |       | .            | false | x                          | false",
            "message |       | ^\\d+$      |       | 12345                      | true",
    })
    void conditions(String field, String equals, String regex, Boolean missing, String message, boolean expected) {
        Condition c = Condition.of(new ConditionConfig(field, equals, regex, missing));
        assertEquals(expected, c.test(line(message)));
    }

    @Test
    void fieldsRenameCopyAddRemoveInOrder() {
        Stage st = stage("fields", "{\"rename\":{\"msg\":\"text\"},\"copy\":{\"text\":\"orig\",\"http.code\":\"code\"},"
                + "\"add\":{\"env\":\"prod\",\"n\":2,\"r\":0.5,\"b\":true,\"addr\":\"{{host}}:{{port}}\"},\"remove\":[\"host\",\"missing\"]}");
        Collector out = new Collector();
        st.process(withFields("m", Fields.builder().put("msg", "hi").put("host", "h1").put("port", Value.of(80))
                .put("http", new Value.Obj(Fields.of("code", Value.of(200)))).build()), out);
        Fields f = out.accepted.getFirst().fields();
        assertNull(f.get("msg"));
        assertNull(f.get("host"));
        assertEquals("hi", f.get("text").asText());
        assertEquals("hi", f.get("orig").asText());
        assertEquals(Value.of(200), f.get("code"));
        assertEquals(Value.of(2), f.get("n"));
        assertEquals(Value.of(0.5), f.get("r"));
        assertEquals(Value.TRUE, f.get("b"));
        assertEquals("h1:80", f.get("addr").asText());
    }

    @Test
    void redactUsesLuhnSoRandomDigitsSurvive() {
        assertTrue(RedactStageFactory.luhnValid("4111 1111 1111 1111", 0, 19));
        assertFalse(RedactStageFactory.luhnValid("4111 1111 1111 1112", 0, 19));
        assertFalse(RedactStageFactory.luhnValid("0000000000", 0, 10), "too short");
        Stage st = stage("redact", "{\"preset\":\"credit_card\",\"replacement\":\"****\",\"fields\":[\"card\"]}");
        Collector out = new Collector();
        LogRecord r = withFields("paid 5500-0000-0000-0004 order 20261127000000001",
                Fields.builder().put("card", "378282246310005").put("n", Value.of(1)).build());
        st.process(r, out);
        assertEquals("paid **** order 20261127000000001", out.accepted.getFirst().message());
        assertEquals("****", out.accepted.getFirst().fields().get("card").asText());
        LogRecord clean = line("nothing secret 12345");
        st.process(clean, out);
        assertSame(clean, out.accepted.get(1), "unchanged records are passed as they are");
    }

    @Test
    void redactBearerAndEmailAndCustomPattern() {
        Stage st = stage("redact", "{\"presets\":[\"bearer_token\",\"email\"],\"pattern\":\"password=(?<secret>\\\\S+)\"}");
        Collector out = new Collector();
        st.process(line("Authorization: bearer abc.def-123= from bob.smith+x@mail.example.org password=hunter2 ok"), out);
        assertEquals("Authorization: bearer [REDACTED] from [REDACTED] password=[REDACTED] ok", out.accepted.getFirst().message());
    }

    @Test
    void kubernetesFromContainersSymlinkPathAndSidecarConfig() {
        assertEquals(Map.of("namespace", "prod", "pod", "web-5d4f", "container", "nginx"),
                KubernetesStageFactory.fromPath("/var/log/containers/web-5d4f_prod_nginx-0123456789abcdef.log"));
        assertEquals(Map.of(), KubernetesStageFactory.fromPath("/var/log/app/app.log"));
        Stage st = stage("kubernetes", "{\"pod\":\"web-1\",\"namespace\":\"shop\",\"node\":\"n1\",\"labels\":[\"pod\",\"node\"]}");
        Collector out = new Collector();
        st.process(LogRecord.of(0, "x", Origin.of("app", "/logs/app.log"), Finalizer.NONE, 0), out);
        LogRecord r = out.accepted.getFirst();
        assertEquals(Labels.of("node", "n1", "pod", "web-1"), r.labels());
        assertEquals("shop", r.fields().get("namespace").asText());
    }

    @Test
    void matchRunsNestedStagesOnlyForMatchingRecordsAndForwardsFlush() {
        Stage multiline = StageHarness.stage("multiline", "{\"continue_pattern\":\"^\\\\s\"}");
        Stage drop = StageHarness.stage("drop", "{\"equals\":\"skip\"}");
        MatchStage match = new MatchStage(Condition.of(new ConditionConfig("app", "java", null, null)),
                List.of(drop, multiline));
        Collector out = new Collector();
        Fields java = Fields.of("app", Value.of("java"));
        match.process(withFields("start", java), out);
        match.process(withFields("  cont", java), out);
        match.process(line("other app line"), out);
        match.process(withFields("skip", java), out);
        assertEquals(List.of("other app line"), out.messages());
        assertEquals(List.of("filtered"), out.dropReasons);
        match.flush(out);
        assertEquals(List.of("other app line", "start\n  cont"), out.messages());
    }

    @Test
    void labelsConfigBindsFromAPlainMap() throws Exception {
        LabelsConfig c = StageHarness.context() == null ? null
                : io.outrigger.core.config.ConfigModule.newMapper().readValue("{\"a\":\"{{x}}\",\"b\":\"c\"}", LabelsConfig.class);
        assertEquals(Map.of("a", "{{x}}", "b", "c"), c.labels());
    }
}
