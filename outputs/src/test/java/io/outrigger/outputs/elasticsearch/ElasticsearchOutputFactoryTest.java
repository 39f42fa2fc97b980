package io.outrigger.outputs.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.config.ConfigModule;
import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.config.Secret;
import io.outrigger.core.pipeline.OutputFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElasticsearchOutputFactoryTest {

    private final ElasticsearchOutputFactory factory = new ElasticsearchOutputFactory();

    private static ElasticsearchOutputConfig bind(String json) throws Exception {
        return ConfigModule.newMapper().readValue(json, ElasticsearchOutputConfig.class);
    }

    private List<String> problems(String json) throws Exception {
        return factory.validate(bind(json)).stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void isFoundByServiceLoader() {
        assertTrue(ServiceLoader.load(OutputFactory.class).stream().anyMatch(p -> p.type() == ElasticsearchOutputFactory.class));
        assertEquals("elasticsearch", factory.type());
    }

    @Test
    void bindsSnakeCaseYamlKeysAndFillsDefaults() throws Exception {
        ElasticsearchOutputConfig c = bind("""
                {"hosts":["https://es-0:9200","https://es-1:9200"],"data_stream":"logs-app-default","id":"deterministic",
                 "auth":{"api_key":"c2VjcmV0"},"tls":{"ca_fingerprint":"AB:CD"},"timeout":"5s","concurrency":4}""");
        assertEquals("logs-app-default", c.dataStream());
        assertTrue(c.deterministicIds());
        assertEquals(Secret.of("c2VjcmV0"), c.auth().apiKey());
        assertEquals(Duration.ofSeconds(5), c.timeout());
        assertEquals(1000, c.batch().maxRecords());
        assertEquals(5L * 1024 * 1024, c.batch().maxBytes().bytes());
        assertFalse(c.toString().contains("c2VjcmV0"), "secrets never reach toString: " + c);
        assertEquals(List.of("tls.ca_fingerprint: expected a SHA-256 fingerprint: 64 hex digits, colons allowed"),
                factory.validate(c).stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void goodConfigHasNoProblems() throws Exception {
        assertEquals(List.of(), problems("""
                {"hosts":["http://localhost:9200/es","https://es:9243/es/"],"index":"logs-%{[app]}-%{+yyyy.MM.dd}",
                 "pipeline":"p","auth":{"username":"elastic","password":"pw"},
                 "tls":{"ca_fingerprint":"FP"}}""".replace("FP", "ab".repeat(32))));
        assertEquals(List.of("hosts[1]: all hosts must have the same path prefix (hosts[0] has \"\", this one \"/es\")"),
                problems("{\"hosts\":[\"http://a:9200\",\"http://b:9200/es\"],\"index\":\"logs\"}"));
    }

    @Test
    void reportsEveryProblemWithItsPath() throws Exception {
        assertEquals(List.of(
                "hosts[0]: invalid URI \"es:9200\" (expected http:// or https://)",
                "hosts[1]: credentials in the URL are not allowed: put them under auth (username/password or api_key)",
                "data_stream: index and data_stream are mutually exclusive: set one of them",
                "index: invalid date pattern \"yyyy.MM.ddbb\" in %{+yyyy.MM.ddbb}: Unknown pattern letter: b",
                "id: \"random\" is not one of auto, deterministic",
                "auth: username/password and api_key are both set: choose one",
                "tls.ca_file: no such file: /nonexistent/ca.pem",
                "timeout: must be positive"),
                problems("""
                        {"hosts":["es:9200","http://u:p@es:9200"],"index":"logs-%{+yyyy.MM.ddbb}","data_stream":"logs-a-b",
                         "id":"random","auth":{"username":"u","password":"p","api_key":"k"},
                         "tls":{"ca_file":"/nonexistent/ca.pem"},"timeout":"0"}"""));
    }

    @Test
    void neitherIndexNorDataStream() throws Exception {
        assertEquals(List.of("hosts: at least one host is needed, e.g. [http://localhost:9200]",
                        "index: set index (e.g. logs-app-%{+yyyy.MM.dd}) or data_stream (e.g. logs-app-default)"),
                problems("{}"));
    }

    @Test
    void authNeedsBothHalvesAndTlsConflicts(@TempDir Path dir) throws Exception {
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
        List<String> p = problems("""
                {"hosts":["https://es:9200"],"data_stream":"logs-%{+yyyy}","auth":{"username":"elastic"},
                 "tls":{"ca_file":"CA","ca_fingerprint":"FP","insecure_skip_verify":true}}""".replace("CA", notPem.toString())
                .replace("FP", "0".repeat(64)));
        assertEquals(List.of(
                "data_stream: date math %{+yyyy} is not allowed here (a data stream rolls over by itself)",
                "auth.password: is required with a username",
                "tls.ca_fingerprint: ca_file and ca_fingerprint are mutually exclusive: set one of them",
                "tls.insecure_skip_verify: verification is off, so ca_file/ca_fingerprint would be ignored: remove one"),
                p.subList(0, 4));
        assertEquals(5, p.size());
        assertTrue(p.get(4).startsWith("tls.ca_file: cannot read a PEM certificate from " + notPem), p.get(4));
    }

    @Test
    void sharedBlocksAreValidatedToo() throws Exception {
        assertEquals(List.of("batch.max_records: must be at least 1, got 0", "concurrency: must be at least 1, got 0"),
                problems("{\"hosts\":[\"http://es:9200\"],\"index\":\"logs\",\"batch\":{\"max_records\":0},\"concurrency\":0}"));
    }
}
