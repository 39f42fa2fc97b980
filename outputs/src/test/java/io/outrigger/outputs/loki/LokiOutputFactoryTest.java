package io.outrigger.outputs.loki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.outrigger.core.config.ByteSize;
import io.outrigger.core.config.ConfigModule;
import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.pipeline.OutputFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LokiOutputFactoryTest {

    private static final ObjectMapper MAPPER = ConfigModule.newMapper();
    private final LokiOutputFactory factory = new LokiOutputFactory();

    private static LokiOutputConfig bind(String json) throws Exception {
        return MAPPER.readValue(json.replace('\'', '"'), LokiOutputConfig.class);
    }

    private List<String> problems(String json) throws Exception {
        return factory.validate(bind(json)).stream().map(ConfigProblem::toString).toList();
    }

    @Test void isFoundByServiceLoaderAsLoki() {
        boolean found = false;
        for (OutputFactory<?> f : ServiceLoader.load(OutputFactory.class)) {
            if (f.type().equals("loki")) {
                found = true;
                assertEquals(LokiOutputConfig.class, f.configType());
            }
        }
        assertTrue(found, "no OutputFactory of type loki registered");
    }

    @Test void bindsSnakeCaseKeysAndFillsDefaults() throws Exception {
        LokiOutputConfig c = bind("{'url':'http://loki:3100','max_line_bytes':'1MiB','tenant_id_field':'ns',"
                + "'structured_metadata':['trace_id'],'labels':{'cluster':'c1'},'batch':{'max_records':500},'timeout':'3s'}");
        assertEquals(ByteSize.ofMiB(1), c.maxLineBytes());
        assertEquals("ns", c.tenantIdField());
        assertEquals(List.of("trace_id"), c.structuredMetadata());
        assertEquals(500, c.batch().maxRecords());
        assertEquals(Duration.ofSeconds(3), c.timeout());
        assertEquals("protobuf", c.encoding());
        assertEquals("message", c.lineFormat());
        assertEquals("accept", c.outOfOrder());
        assertEquals(4, c.concurrency());
        LokiOutputConfig d = LokiOutputConfig.of("http://loki:3100");
        assertEquals(ByteSize.ofKiB(256), d.maxLineBytes());
        assertEquals(10_000, d.batch().maxRecords()); // Promtail's 1MiB pushes: the bytes end a batch, not the count
        assertEquals(ByteSize.ofMiB(1), d.batch().maxBytes());
        assertEquals(List.of(), factory.validate(d));
    }

    @Test void unknownKeysAreRejected() {
        assertThrows(UnrecognizedPropertyException.class, () -> bind("{'url':'http://loki:3100','tennant_id':'x'}"));
    }

    @Test void urlMustBeHttpWithHost() throws Exception {
        assertEquals(List.of("url: invalid URI \"loki:3100\" (expected http:// or https:// and a host)"), problems("{'url':'loki:3100'}"));
        assertEquals(List.of("url: invalid URI \"ftp://loki\" (expected http:// or https:// and a host)"), problems("{'url':'ftp://loki'}"));
        assertEquals(List.of("url: is required, e.g. http://loki:3100"), problems("{}"));
        assertEquals(List.of(), problems("{'url':'https://logs.example.com/tenant-gw/'}"));
    }

    @Test void everyInvalidLabelNameIsReportedWithItsPath() throws Exception {
        assertEquals(List.of(
                        "labels.9lives: invalid label name \"9lives\" (expected [a-zA-Z_][a-zA-Z0-9_]*)",
                        "labels.app.kubernetes.io/name: invalid label name \"app.kubernetes.io/name\" (expected [a-zA-Z_][a-zA-Z0-9_]*)"),
                problems("{'url':'http://loki:3100','labels':{'ok_1':'a','9lives':'b','app.kubernetes.io/name':'c'}}"));
    }

    @Test void enumeratedValuesAreChecked() throws Exception {
        assertEquals(List.of(
                        "encoding: \"xml\" is not one of protobuf, json",
                        "line_format: \"yaml\" is not one of message, json, template",
                        "out_of_order: \"sometimes\" is not one of accept, drop, clamp"),
                problems("{'url':'http://loki:3100','encoding':'xml','line_format':'yaml','out_of_order':'sometimes'}"));
    }

    @Test void templateIsRequiredAndParsedForLineFormatTemplate() throws Exception {
        assertEquals(List.of("template: is required with line_format: template, e.g. \"{{level}} {{message}}\""),
                problems("{'url':'http://loki:3100','line_format':'template'}"));
        assertEquals(List.of("template: unclosed '{{' at position 10 (a field is written {{name}})"),
                problems("{'url':'http://loki:3100','line_format':'template','template':'{{level}} {{message}'}"));
        assertEquals(List.of("template: is only used with line_format: template (line_format is message)"),
                problems("{'url':'http://loki:3100','template':'{{message}}'}"));
    }

    @Test void authConflictsAndMissingTokenFile() throws Exception {
        List<String> p = problems("{'url':'http://loki:3100','auth':{'username':'u','password':'pw-secret','bearer_token':'tok-secret'}}");
        assertEquals(List.of("auth: username/password and bearer_token are both set: choose one"), p);
        assertEquals(List.of("auth: bearer_token and bearer_token_file are both set: choose one",
                        "auth.bearer_token_file: no such file: /nonexistent/token"),
                problems("{'url':'http://loki:3100','auth':{'bearer_token':'tok-secret','bearer_token_file':'/nonexistent/token'}}"));
        assertEquals(List.of("auth.username: is required with a password"),
                problems("{'url':'http://loki:3100','auth':{'password':'pw-secret'}}"));
        assertEquals(List.of("auth.api_key: is only known to elasticsearch outputs: use username/password or bearer_token"),
                problems("{'url':'http://loki:3100','auth':{'api_key':'k'}}"));
        LokiOutputConfig c = bind("{'url':'http://loki:3100','auth':{'username':'u','password':'pw-secret','bearer_token':'tok-secret'}}");
        String all = c + " " + factory.validate(c);
        assertFalse(all.contains("pw-secret") || all.contains("tok-secret"), all);
    }

    @Test void tenantIdFollowsLokisRules() throws Exception {
        assertEquals(List.of("tenant_id: character '/' is not allowed in a tenant id (letters, digits, !-_.*'())"),
                problems("{'url':'http://loki:3100','tenant_id':'team/a'}"));
        assertEquals(List.of(), problems("{'url':'http://loki:3100','tenant_id':'team-a.prod'}"));
    }

    @Test void tlsAndSharedBlocksAreValidatedUnderTheirPaths(@TempDir Path dir) throws Exception {
        assertEquals(List.of("batch.max_records: must be at least 1, got 0", "concurrency: must be at least 1, got 0",
                        "tls.ca_file: no such file: /nonexistent/ca.pem"),
                problems("{'url':'https://loki:3100','batch':{'max_records':0},'concurrency':0,'tls':{'ca_file':'/nonexistent/ca.pem'}}"));
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
        List<String> p = problems("{'url':'https://loki:3100','tls':{'ca_file':'" + notPem + "'}}");
        assertEquals(1, p.size());
        assertTrue(p.getFirst().startsWith("tls: cannot be loaded: "), p.getFirst());
    }

    @Test void sizesAndTimeoutMustBePositive() throws Exception {
        assertEquals(List.of("timeout: must be positive", "max_line_bytes: must be at least 1B"),
                problems("{'url':'http://loki:3100','timeout':0,'max_line_bytes':0}"));
    }
}
