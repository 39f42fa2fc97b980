package io.outrigger.agent.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.outrigger.agent.config.ComponentRegistry;
import io.outrigger.agent.config.ConfigLoader;
import io.outrigger.agent.config.PipelineConfig;
import io.outrigger.agent.config.PipelineSpec;
import io.outrigger.agent.runtime.SampleRunner;
import io.outrigger.core.config.ConfigException;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Value;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A table of Promtail configs in the shapes of Promtail's documentation and common sidecar Helm values: each is
 * converted, validated with the agent's own loader, and run through the dry-run path on sample lines; the records
 * must carry the message, labels, fields and time Promtail's documentation says those stages produce.
 */
class PromtailConverterTest {

    private static final Instant NOW = Instant.parse("2026-12-08T00:00:00Z");
    private static final String FILE = "/var/log/app/app.log";

    /** One expected record: message, labels (all of them), some fields, the time (null: the read time). */
    record Expect(String message, Map<String, String> labels, Map<String, Object> fields, String time) {
        static Expect of(String message, Map<String, String> labels) { return new Expect(message, labels, Map.of(), null); }
        Expect fields(Map<String, Object> f) { return new Expect(message, labels, f, time); }
        Expect time(String t) { return new Expect(message, labels, fields, t); }
    }

    record Case(String name, String promtail, String input, List<Expect> expected) {
        @Override public String toString() { return name; }
    }

    private static final String HEAD = """
            server:
              http_listen_port: 9080
              grpc_listen_port: 0
            positions:
              filename: /run/promtail/positions.yaml
            clients:
              - url: http://loki:3100/loki/api/v1/push
            scrape_configs:
              - job_name: app
                static_configs:
                  - targets: [localhost]
                    labels:
                      job: app
                      __path__: /var/log/app/*.log
            """;

    private static String withStages(String stages) {
        return HEAD + "    pipeline_stages:\n" + stages.stripIndent().lines().map(l -> "      " + l).reduce("", (a, b) -> a + b + "\n");
    }

    private static Map<String, String> labels(String... kv) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("job", "app");
        m.put("filename", FILE);
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("static_configs only: job and filename labels, the line as it is", HEAD,
                        "plain line\n", List.of(Expect.of("plain line", labels()))),
                new Case("docker: the log text, the stream label and Docker's time", withStages("""
                        - docker: {}
                        """),
                        "{\"log\":\"hello docker\\n\",\"stream\":\"stderr\",\"time\":\"2019-04-30T02:12:41.8443515Z\"}\n",
                        List.of(Expect.of("hello docker", labels("stream", "stderr")).time("2019-04-30T02:12:41.844351500Z"))),
                new Case("cri: partial lines joined, the stream label and the runtime's time", withStages("""
                        - cri: {}
                        """),
                        "2019-01-01T01:00:00.000000001Z stdout P part one,\n2019-01-01T01:00:00.000000002Z stdout F  part two\n",
                        List.of(Expect.of("part one, part two", labels("stream", "stdout")).time("2019-01-01T01:00:00.000000001Z"))),
                new Case("regex with an underscore group, labels, a Go layout timestamp, output", withStages("""
                        - regex:
                            expression: '^(?P<ts>\\S+) (?P<level>\\w+) status=(?P<status_code>\\d+) (?P<msg>.*)$'
                        - labels:
                            level:
                        - timestamp:
                            source: ts
                            format: '2006-01-02T15:04:05.000Z07:00'
                        - output:
                            source: msg
                        """),
                        "2024-03-01T10:11:12.345+01:00 ERROR status=502 upstream timed out\n",
                        List.of(Expect.of("upstream timed out", labels("level", "ERROR"))
                                .fields(Map.of("status_code", "502", "level", "ERROR")).time("2024-03-01T09:11:12.345Z"))),
                new Case("json with expressions (nested path), labels from them, RFC3339, output", withStages("""
                        - json:
                            expressions:
                              level:
                              msg: message
                              status: http.status
                              ts: time
                        - labels:
                            level:
                            status:
                        - timestamp:
                            source: ts
                            format: RFC3339
                        - output:
                            source: msg
                        """),
                        "{\"level\":\"warn\",\"message\":\"slow request\",\"time\":\"2024-05-06T07:08:09Z\",\"http\":{\"status\":503}}\n",
                        List.of(Expect.of("slow request", labels("level", "warn", "status", "503"))
                                .fields(Map.of("status", 503L)).time("2024-05-06T07:08:09Z"))),
                new Case("logfmt with mapping, a Unix timestamp", withStages("""
                        - logfmt:
                            mapping:
                              lvl: level
                              ts:
                        - labels:
                            lvl:
                        - timestamp:
                            source: ts
                            format: Unix
                        """),
                        "ts=1700000000 level=info msg=\"user logged in\"\n",
                        List.of(Expect.of("ts=1700000000 level=info msg=\"user logged in\"", labels("lvl", "info"))
                                .fields(Map.of("lvl", "info")).time("2023-11-14T22:13:20Z"))),
                new Case("multiline: a first line pattern joins a stack trace", withStages("""
                        - multiline:
                            firstline: '^\\d{4}-\\d{2}-\\d{2}'
                            max_wait_time: 3s
                        """),
                        "2024-01-01 ERROR boom\njava.lang.IllegalStateException: x\n\tat a.b.C.d(C.java:1)\n2024-01-01 INFO next\n",
                        List.of(Expect.of("2024-01-01 ERROR boom\njava.lang.IllegalStateException: x\n\tat a.b.C.d(C.java:1)", labels()),
                                Expect.of("2024-01-01 INFO next", labels()))),
                new Case("match: drop by a label from a field, nested stages for a static label and a line filter", withStages("""
                        - regex:
                            expression: '^(?P<level>[A-Z]+) (?P<rest>.*)$'
                        - labels:
                            level:
                        - match:
                            selector: '{level=~"DEBUG|TRACE"}'
                            action: drop
                            drop_counter_reason: debug
                        - match:
                            selector: '{job="app"} |= "payment"'
                            stages:
                              - static_labels:
                                  team: payments
                        - match:
                            selector: '{job="other"}'
                            stages:
                              - static_labels:
                                  never: "true"
                        """),
                        "DEBUG cache miss\nTRACE enter\nINFO payment accepted\nWARN disk 91%\n",
                        List.of(Expect.of("INFO payment accepted", labels("level", "INFO", "team", "payments")),
                                Expect.of("WARN disk 91%", labels("level", "WARN")))),
                new Case("drop: expression on the line, source with value, longline_limit", withStages("""
                        - regex:
                            expression: 'user=(?P<user>\\w+)'
                        - drop:
                            expression: '.*healthz.*'
                        - drop:
                            source: user
                            value: bot
                        - drop:
                            longline_limit: 20
                        """),
                        "GET /healthz user=kube\nGET / user=bot\nGET / user=anna\nGET /a/very/long/path/indeed user=anna\n",
                        List.of(Expect.of("GET / user=anna", labels()))),
                new Case("static_labels, labeldrop, labelallow", withStages("""
                        - static_labels:
                            env: prod
                            team: core
                        - labeldrop:
                            - filename
                        - labelallow:
                            - job
                            - env
                        """),
                        "x\n", List.of(new Expect("x", Map.of("job", "app", "env", "prod"), Map.of(), null))),
                new Case("replace: a captured password masked", withStages("""
                        - replace:
                            expression: 'password=(\\S+)'
                            replace: '****'
                        """),
                        "login user=anna password=hunter2 ok\n",
                        List.of(Expect.of("login user=anna password=**** ok", labels()))),
                new Case("template: {{ .Value }} into an extracted value, then output", withStages("""
                        - regex:
                            expression: '^(?P<level>\\w+) (?P<msg>.*)$'
                        - template:
                            source: line
                            template: '[{{ .level }}] {{ .msg }}'
                        - output:
                            source: line
                        """),
                        "INFO started\n",
                        List.of(Expect.of("[INFO] started", labels()))),
                new Case("tenant from a value, structured_metadata from a field", withStages("""
                        - logfmt:
                            mapping:
                              trace_id: traceID
                        - structured_metadata:
                            trace_id:
                        - tenant:
                            value: team-b
                        """),
                        "traceID=abc123 msg=hi\n",
                        List.of(Expect.of("traceID=abc123 msg=hi", labels()).fields(Map.of("trace_id", "abc123", "promtail_tenant", "team-b")))),
                new Case("a Go layout without zone, with location", withStages("""
                        - regex:
                            expression: '^(?P<ts>\\S+ \\S+) (?P<msg>.*)$'
                        - timestamp:
                            source: ts
                            format: '2006-01-02 15:04:05'
                            location: Europe/Berlin
                        """),
                        "2024-07-01 12:00:00 hello\n",
                        List.of(Expect.of("2024-07-01 12:00:00 hello", labels()).time("2024-07-01T10:00:00Z"))),
                new Case("timestamp fallback_formats: each Go layout tried in order after format", withStages("""
                        - regex:
                            expression: '^\\[(?P<ts>[^\\]]+)\\] (?P<msg>.*)$'
                        - timestamp:
                            source: ts
                            format: RFC3339
                            fallback_formats:
                              - '2006-01-02 15:04:05'
                              - UnixMs
                        """),
                        "[2024-07-01T12:00:00+02:00] a\n[2024-07-01 12:00:01] b\n[1719835202000] c\n[yesterday] d\n",
                        List.of(Expect.of("[2024-07-01T12:00:00+02:00] a", labels()).time("2024-07-01T10:00:00Z"),
                                Expect.of("[2024-07-01 12:00:01] b", labels()).time("2024-07-01T12:00:01Z"),
                                Expect.of("[1719835202000] c", labels()).time("2024-07-01T12:00:02Z"),
                                Expect.of("[yesterday] d", labels()))),
                new Case("drop older_than: a line whose time is older than now minus it is dropped", withStages("""
                        - regex:
                            expression: '^(?P<ts>\\S+) (?P<msg>.*)$'
                        - timestamp:
                            source: ts
                            format: RFC3339
                        - drop:
                            older_than: 24h
                            drop_counter_reason: line_too_old
                        """),
                        "2026-12-06T00:00:00Z stale\n2026-12-07T12:00:00Z fresh\n2026-12-06T23:59:59Z just too old\n",
                        List.of(Expect.of("2026-12-07T12:00:00Z fresh", labels()).time("2026-12-07T12:00:00Z"))),
                new Case("drop older_than with a value: both must match", withStages("""
                        - regex:
                            expression: '^(?P<ts>\\S+) (?P<level>\\w+) (?P<msg>.*)$'
                        - timestamp:
                            source: ts
                            format: RFC3339
                        - drop:
                            source: level
                            value: debug
                            older_than: 1h
                        """),
                        "2026-12-07T00:00:00Z debug old\n2026-12-07T00:00:00Z info old\n2026-12-07T23:30:00Z debug new\n",
                        List.of(Expect.of("2026-12-07T00:00:00Z info old", labels()).time("2026-12-07T00:00:00Z"),
                                Expect.of("2026-12-07T23:30:00Z debug new", labels()).time("2026-12-07T23:30:00Z"))),
                new Case("sampling rate 1 keeps every line", withStages("""
                        - sampling:
                            rate: 1
                        """),
                        "a\nb\n", List.of(Expect.of("a", labels()), Expect.of("b", labels()))),
                new Case("sampling inside match: rate 0 on debug lines drops them all, other lines pass", withStages("""
                        - regex:
                            expression: '^(?P<level>\\w+) '
                        - labels:
                            level:
                        - match:
                            selector: '{level="debug"}'
                            stages:
                              - sampling:
                                  rate: 0.0
                        """),
                        "debug one\ninfo two\ndebug three\n", List.of(Expect.of("info two", labels("level", "info")))),
                new Case("json with a message key: kept apart from the line until output makes it the line", withStages("""
                        - json:
                            expressions:
                              message:
                              level: log.level
                        - labels:
                            level:
                        - match:
                            selector: '{level="debug"}'
                            action: drop
                        - output:
                            source: message
                        """),
                        "{\"message\":\"order placed\",\"log\":{\"level\":\"info\"}}\n{\"message\":\"noise\",\"log\":{\"level\":\"debug\"}}\n",
                        List.of(Expect.of("order placed", labels("level", "info")))),
                new Case("metrics: counters (every line, by value), a gauge and a histogram validate and pass records on", withStages("""
                        - regex:
                            expression: '^(?P<level>\\w+) took=(?P<ms>\\d+)'
                        - metrics:
                            lines_total:
                              type: Counter
                              description: all lines
                              config:
                                match_all: true
                                action: inc
                            errors_total:
                              type: Counter
                              source: level
                              config:
                                value: ERROR
                                action: inc
                            last_ms:
                              type: Gauge
                              source: ms
                              config:
                                action: set
                            duration_ms:
                              type: Histogram
                              source: ms
                              config:
                                buckets: [10, 100, 1000]
                        """),
                        "ERROR took=42\n", List.of(Expect.of("ERROR took=42", labels()))),
                new Case("a decolorize stage strips ANSI colours", withStages("""
                        - decolorize:
                        """),
                        "\u001b[31mred\u001b[0m text\n",
                        List.of(Expect.of("red text", labels()))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void converted_validated_and_run(Case c) throws Exception {
        PromtailConverter.Result r = PromtailConverter.convert(c.promtail());
        assertEquals(List.of(), r.notes(), "notes for " + c.name() + ":\n" + r.yaml());
        PipelineConfig config = load(r.yaml());
        PipelineSpec p = config.pipelines().get("app");
        List<LogRecord> records = new SampleRunner(p, Map.of(), InstantSource.fixed(NOW)).run(c.input(), FILE, null);
        assertEquals(c.expected().size(), records.size(), "records of " + c.name() + ": " + records + "\n" + r.yaml());
        for (int i = 0; i < records.size(); i++) {
            LogRecord rec = records.get(i);
            Expect e = c.expected().get(i);
            int index = i;
            assertEquals(e.message(), rec.message(), "message of record " + i + "\n" + r.yaml());
            assertEquals(e.labels(), rec.labels().asMap(), "labels of record " + i + "\n" + r.yaml());
            e.fields().forEach((k, v) -> {
                Value actual = rec.fields().getPath(k);
                Object plain = actual instanceof Value.Int n ? (Object) n.value() : actual == null ? null : actual.asText();
                assertEquals(v, plain, "field " + k + " of record " + index + ": " + rec);
            });
            assertEquals(e.time() == null ? NOW : Instant.parse(e.time()), rec.timestamp(), "time of record " + i + ": " + rec);
        }
    }

    static PipelineConfig load(String yaml) {
        try {
            return new ConfigLoader(Map.of(), ComponentRegistry.load()).parse(yaml, Path.of("converted.yaml"));
        } catch (ConfigException e) {
            fail("the converted file does not validate: " + e.problems() + "\n" + yaml);
            return null;
        }
    }

    @Test void clients_become_loki_outputs_with_every_mapped_setting(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path token = java.nio.file.Files.writeString(tmp.resolve("loki-token"), "t0ken");
        String promtail = """
                clients:
                  - url: https://logs.example.com/loki/api/v1/push
                    tenant_id: team-a
                    batchwait: 2s
                    batchsize: 524288
                    timeout: 15s
                    basic_auth:
                      username: promtail
                      password: ${LOKI_PASSWORD}
                    external_labels:
                      cluster: prod-eu
                    backoff_config:
                      min_period: 1s
                      max_period: 1m
                      max_retries: 5
                  - url: http://loki-backup:3100/loki/api/v1/push
                    bearer_token_file: TOKEN
                    tls_config:
                      insecure_skip_verify: true
                scrape_configs:
                  - job_name: app
                    static_configs:
                      - labels: {__path__: /var/log/app/*.log}
                """.replace("TOKEN", token.toString());
        PromtailConverter.Result r = PromtailConverter.convert(promtail);
        assertEquals(List.of(), r.notes());
        String y = r.yaml();
        for (String s : List.of("url: https://logs.example.com/loki/api/v1/push", "tenant_id: team-a", "max_wait: 2s",
                "max_bytes: 524288B", "timeout: 15s", "username: promtail", "password: ${LOKI_PASSWORD}", "cluster: prod-eu",
                "initial_backoff: 1s", "max_backoff: 1m", "max_attempts: 6", "loki_2:", "bearer_token_file: " + token,
                "insecure_skip_verify: true", "- loki\n    - loki_2")) {
            assertTrue(y.contains(s), "missing " + s + " in\n" + y);
        }
        PipelineConfig c;
        try {
            c = new ConfigLoader(Map.of("LOKI_PASSWORD", "s3cret"), ComponentRegistry.load()).parse(y, Path.of("c.yaml"));
        } catch (ConfigException e) {
            throw new AssertionError(e.problems() + "\n" + y);
        }
        assertEquals(2, c.outputs().size());
        assertTrue(!c.toString().contains("s3cret"), "the password is a Secret, never printed");
    }

    @Test void structured_metadata_and_tenant_reach_the_loki_output() {
        PromtailConverter.Result r = PromtailConverter.convert(withStages("""
                - structured_metadata:
                    trace_id:
                - tenant:
                    source: org
                """));
        assertTrue(r.yaml().contains("structured_metadata:\n    - trace_id"), r.yaml());
        assertTrue(r.yaml().contains("tenant_id_field: promtail_tenant"), r.yaml());
        load(r.yaml());
    }

    @Test void kubernetes_sd_with_the_usual_relabelling_becomes_the_kubernetes_stage() throws Exception {
        String promtail = """
                clients:
                  - url: http://loki:3100/loki/api/v1/push
                scrape_configs:
                  - job_name: kubernetes-pods
                    kubernetes_sd_configs:
                      - role: pod
                    pipeline_stages:
                      - cri: {}
                    relabel_configs:
                      - source_labels: [__meta_kubernetes_namespace]
                        target_label: namespace
                      - source_labels: [__meta_kubernetes_pod_name]
                        target_label: pod
                      - source_labels: [__meta_kubernetes_pod_container_name]
                        target_label: container
                      - source_labels: [__meta_kubernetes_pod_uid, __meta_kubernetes_pod_container_name]
                        target_label: __path__
                        separator: /
                        replacement: /var/log/pods/*$1/*.log
                """;
        PromtailConverter.Result r = PromtailConverter.convert(promtail);
        assertEquals(List.of(), r.notes(), r.yaml());
        PipelineSpec p = load(r.yaml()).pipelines().get("kubernetes-pods");
        String path = "/var/log/pods/shop_checkout-7d9f_0b5c/app/0.log";
        List<LogRecord> out = new SampleRunner(p, Map.of(), InstantSource.fixed(NOW))
                .run("2024-01-01T00:00:00Z stderr F failed\n", path, null);
        assertEquals(1, out.size());
        assertEquals(Map.of("namespace", "shop", "pod", "checkout-7d9f", "container", "app", "filename", path, "stream", "stderr"),
                out.get(0).labels().asMap());
    }

    @Test void what_has_no_equivalent_is_listed_with_its_line_and_left_out() {
        String promtail = """
                clients:
                  - url: http://loki:3100/loki/api/v1/push
                    proxy_url: http://proxy:3128
                scrape_configs:
                  - job_name: app
                    static_configs:
                      - labels: {__path__: /var/log/app/*.log}
                    pipeline_stages:
                      - json:
                          expressions:
                            first: items[0].name
                      - limit:
                          rate: 10
                      - template:
                          source: level
                          template: '{{ ToUpper .Value }}'
                      - timestamp:
                          source: ts
                          format: RFC3339
                          action_on_failure: skip
                      - pack:
                          labels: [pod]
                      - match:
                          selector: '{pod="x"}'
                          stages: [{static_labels: {a: b}}]
                  - job_name: journal
                    journal:
                      max_age: 12h
                """;
        PromtailConverter.Result r = PromtailConverter.convert(promtail);
        List<String> got = new ArrayList<>();
        for (PromtailConverter.Note n : r.notes()) got.add(n.line() + " " + n.path());
        assertEquals(List.of(
                "3 clients[0].proxy_url",
                "11 scrape_configs[0].pipeline_stages[0].json.expressions.first",
                "12 scrape_configs[0].pipeline_stages[1].limit",
                "16 scrape_configs[0].pipeline_stages[2].template.template",
                "20 scrape_configs[0].pipeline_stages[3].timestamp.action_on_failure",
                "21 scrape_configs[0].pipeline_stages[4].pack",
                "24 scrape_configs[0].pipeline_stages[5].match.selector",
                "27 scrape_configs[1].journal"), got);
        assertTrue(r.notes().get(1).why().contains("JMESPath"), r.notes().get(1).why());
        load(r.yaml()); // what is left validates
    }

    @Test void sampling_keeps_about_the_rate_and_drops_the_rest() {
        PromtailConverter.Result r = PromtailConverter.convert(withStages("""
                - sampling:
                    rate: 0.5
                    drop_counter_reason: sampled
                """));
        assertEquals(List.of(), r.notes(), r.yaml());
        assertTrue(r.yaml().contains("sampling:\n      rate: 0.5") || r.yaml().contains("rate: 0.5"), r.yaml());
        PipelineSpec p = load(r.yaml()).pipelines().get("app");
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < 2000; i++) in.append("line ").append(i).append('\n');
        int kept = new SampleRunner(p, Map.of(), InstantSource.fixed(NOW)).run(in.toString(), FILE, null).size();
        // binomial(2000, 0.5): sd 22; outside 850..1150 is about a one in 10^11 chance
        assertTrue(kept > 850 && kept < 1150, "kept " + kept + " of 2000");
        PromtailConverter.Result bad = PromtailConverter.convert(withStages("""
                - sampling:
                    rate: 2
                """));
        assertEquals(1, bad.notes().size());
        assertTrue(bad.notes().get(0).path().endsWith("sampling.rate"), bad.notes().get(0).path());
    }

    @Test void go_layouts_translate_to_java_time_patterns() {
        assertEquals("rfc3339", GoTimeLayout.toFormat("RFC3339"));
        assertEquals("unix_ms", GoTimeLayout.toFormat("UnixMs"));
        assertEquals("yyyy-MM-dd HH:mm:ss", GoTimeLayout.toFormat("2006-01-02 15:04:05"));
        assertEquals("dd/MMM/yyyy:HH:mm:ss xx", GoTimeLayout.toFormat("02/Jan/2006:15:04:05 -0700"));
        assertEquals("EEE MMM ppd HH:mm:ss yyyy", GoTimeLayout.toFormat("ANSIC"));
        assertEquals("yyyy-MM-dd'T'HH:mm:ss[.SSS][.SS][.S]XXX", GoTimeLayout.toFormat("2006-01-02T15:04:05.999Z07:00"));
        assertEquals("MMM ppd HH:mm:ss", GoTimeLayout.toFormat("Stamp"));
    }
}
