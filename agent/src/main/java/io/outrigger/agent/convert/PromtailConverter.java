package io.outrigger.agent.convert;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Converts a Promtail config ({@code promtail.yaml}) into an Outrigger pipeline file: {@code clients} become
 * {@code loki} outputs, each {@code static_configs} entry a {@code file} input with its pipeline,
 * {@code pipeline_stages} our stages, {@code positions.filename} the data directory. Whatever has no equivalent is
 * reported as a {@link Note} with its line in the Promtail file and why, and left out of the result.
 *
 * <p>Promtail's model: a stage reads and writes the "extracted" map, labels and the line. Ours: fields, labels and
 * the message. Extracted values are our fields; a label made from an extracted value ({@code labels: {level:}}) is
 * a label whose value came from the field of that name, which is how a {@code match} selector on it is converted
 * (into a condition on the field). A Loki output sends the message only ({@code line_format: message}), as Promtail
 * sends the line: fields a stage added but Promtail would not have kept change nothing in Loki.
 */
public final class PromtailConverter {

    /** Something of the Promtail file that has no equivalent or a different meaning. */
    public record Note(int line, String path, String why) {
        @Override public String toString() { return "line " + line + ": " + path + ": " + why; }
    }

    /** An input made from a {@code static_configs} entry: its name and globs, for the positions import. */
    public record InputPaths(String name, List<String> paths, List<String> exclude) {}

    /**
     * The converted file's text, what was not converted, the inputs, and the data directory
     * ({@code positions.filename}'s directory, or null when Promtail's default was used).
     */
    public record Result(String yaml, List<Note> notes, List<InputPaths> inputs, Path dataDir, Path positionsFile) {}

    /** The field a {@code tenant} stage writes and the Loki outputs read the tenant from. */
    static final String TENANT_FIELD = "promtail_tenant";
    /** The prefix Promtail gives the metrics of its {@code metrics} stage; kept so dashboards keep working. */
    static final String PROMTAIL_METRICS_PREFIX = "promtail_custom_";

    private final Set<Note> notes = new LinkedHashSet<>();
    private final Map<String, Map<String, Object>> outputs = new LinkedHashMap<>();
    private final List<InputPaths> inputPaths = new ArrayList<>();
    private Path dataDir;
    private Path positionsFile;

    private PromtailConverter() {}

    /** @throws IllegalArgumentException when the text is no YAML map (the message says where) */
    public static Result convert(String promtailYaml) {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(promtailYaml));
        } catch (MarkedYAMLException e) {
            throw new IllegalArgumentException("not valid YAML at line " + (e.getProblemMark().getLine() + 1) + ": " + e.getProblem());
        }
        if (!(root instanceof MappingNode)) throw new IllegalArgumentException("a Promtail config is a YAML map (server, clients, positions, scrape_configs)");
        PromtailConverter c = new PromtailConverter();
        Map<String, Object> out = c.file(new Y(root, ""));
        List<Note> sorted = new ArrayList<>(c.notes);
        sorted.sort((a, b) -> Integer.compare(a.line(), b.line()));
        return new Result(dump(out), List.copyOf(sorted), List.copyOf(c.inputPaths), c.dataDir, c.positionsFile);
    }

    static String dump(Map<String, Object> doc) {
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        o.setIndent(2);
        o.setIndicatorIndent(0);
        o.setWidth(1000);
        o.setSplitLines(false);
        o.setDereferenceAliases(true); // the loader takes no YAML aliases
        return new Yaml(o).dump(doc);
    }

    // ---------------------------------------------------------------------------------------------------------
    // top level

    private Map<String, Object> file(Y root) {
        Map<String, Object> agent = new LinkedHashMap<>();
        Map<String, Object> inputs = new LinkedHashMap<>();
        Map<String, Object> pipelines = new LinkedHashMap<>();
        for (Y e : root.entries()) {
            switch (e.key()) {
                case "server" -> server(e, agent);
                case "positions" -> positions(e, agent);
                case "clients", "client" -> {
                    if (e.key().equals("client")) clients(List.of(e), e.path());
                    else clients(e.items(), e.path());
                }
                case "scrape_configs", "limits_config", "target_config", "global", "options", "tracing", "wal" -> { }
                default -> note(e, "not a Promtail setting Outrigger knows; left out");
            }
        }
        if (outputs.isEmpty()) note(root, "no clients: the pipelines have no Loki output (add one under outputs)");
        Y scrape = root.get("scrape_configs");
        Y target = root.get("target_config");
        String rescan = target == null || target.get("sync_period") == null ? null : target.get("sync_period").text();
        if (target != null) {
            for (Y e : target.entries()) if (!e.key().equals("sync_period")) note(e, "no equivalent; left out");
        }
        for (String key : List.of("limits_config", "global", "options", "tracing", "wal")) {
            Y y = root.get(key);
            if (y != null) note(y, switch (key) {
                case "limits_config" -> "no equivalent: Outrigger does not rate-limit lines; a slow output slows reading instead (backpressure)";
                case "global" -> "file_watch_config has no equivalent: files are watched by rescanning (inputs' rescan_interval)";
                default -> "no equivalent; left out";
            });
        }
        if (scrape != null) {
            Set<String> names = new LinkedHashSet<>();
            int i = 0;
            for (Y job : scrape.items()) scrapeConfig(job, i++, names, inputs, pipelines, rescan);
        }
        if (inputs.isEmpty()) note(root, "no scrape_configs with static_configs: the file has no inputs");
        Map<String, Object> doc = new LinkedHashMap<>();
        if (!agent.isEmpty()) doc.put("agent", agent);
        doc.put("inputs", inputs);
        doc.put("pipelines", pipelines);
        Map<String, Object> outs = new LinkedHashMap<>();
        outputs.forEach(outs::put);
        doc.put("outputs", outs);
        return doc;
    }

    private void server(Y server, Map<String, Object> agent) {
        String address = "0.0.0.0";
        String port = null;
        boolean disabled = false;
        Map<String, Object> log = new LinkedHashMap<>();
        for (Y e : server.entries()) {
            switch (e.key()) {
                case "http_listen_port" -> port = e.text();
                case "http_listen_address" -> address = e.text();
                case "disable" -> disabled = e.text().equals("true");
                case "log_level" -> log.put("level", e.text());
                case "log_format" -> log.put("format", e.text().equals("json") ? "json" : "text");
                case "grpc_listen_port", "grpc_listen_address" -> { } // Promtail's gRPC server serves nothing a sidecar needs
                case "register_instrumentation", "graceful_shutdown_timeout",
                     "http_server_read_timeout", "http_server_write_timeout", "http_server_idle_timeout",
                     "grpc_server_max_recv_msg_size", "grpc_server_max_send_msg_size", "grpc_server_max_concurrent_streams",
                     "health_check_target", "profiling_enabled", "enable_runtime_reload", "http_path_prefix" ->
                        note(e, "no equivalent (Outrigger serves /metrics, /healthz and /readyz over HTTP only); left out");
                default -> note(e, "not a Promtail server setting Outrigger knows; left out");
            }
        }
        Map<String, Object> http = new LinkedHashMap<>();
        if (disabled) http.put("listen", "");
        else if (port != null) http.put("listen", (address.isEmpty() ? "0.0.0.0" : address) + ":" + port);
        if (!http.isEmpty()) agent.put("http", http);
        if (!log.isEmpty()) agent.put("log", log);
    }

    private void positions(Y positions, Map<String, Object> agent) {
        for (Y e : positions.entries()) {
            switch (e.key()) {
                case "filename" -> {
                    positionsFile = Path.of(e.text());
                    Path dir = positionsFile.toAbsolutePath().getParent();
                    if (positionsFile.getParent() != null) dir = positionsFile.getParent();
                    dataDir = dir;
                    agent.put("data_dir", dir.toString());
                }
                case "sync_period" -> agent.put("checkpoint_interval", e.text());
                case "ignore_invalid_yaml" -> note(e, "no equivalent: a corrupt checkpoint file is always moved aside and files are read from their head");
                default -> note(e, "not a Promtail positions setting; left out");
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // clients

    private void clients(List<Y> clients, String path) {
        int n = 0;
        for (Y c : clients) {
            n++;
            String name = n == 1 ? "loki" : "loki_" + n;
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("type", "loki");
            Map<String, Object> batch = new LinkedHashMap<>();
            Map<String, Object> retry = new LinkedHashMap<>();
            Map<String, Object> auth = new LinkedHashMap<>();   // the HTTP outputs' one auth block
            for (Y e : c.entries()) {
                switch (e.key()) {
                    case "url" -> o.put("url", e.text());
                    case "tenant_id" -> o.put("tenant_id", e.text());
                    case "timeout" -> o.put("timeout", e.text());
                    case "batchwait" -> batch.put("max_wait", e.text());
                    case "batchsize" -> batch.put("max_bytes", e.text() + (e.text().matches("[0-9]+") ? "B" : ""));
                    case "external_labels" -> {
                        Map<String, Object> labels = new LinkedHashMap<>();
                        for (Y l : e.entries()) labels.put(l.key(), l.text());
                        o.put("labels", labels);
                    }
                    case "basic_auth" -> {
                        for (Y a : e.entries()) {
                            switch (a.key()) {
                                case "username" -> auth.put("username", a.text());
                                case "password" -> auth.put("password", a.text());
                                default -> note(a, "no equivalent: put the password in an environment variable and write password: \"${LOKI_PASSWORD}\"");
                            }
                        }
                        o.put("auth", auth);
                    }
                    case "bearer_token", "bearer_token_file" -> {
                        auth.put(e.key(), e.text());
                        o.put("auth", auth);
                    }
                    case "tls_config" -> {
                        Map<String, Object> tls = new LinkedHashMap<>();
                        for (Y t : e.entries()) {
                            switch (t.key()) {
                                case "ca_file", "cert_file", "key_file" -> tls.put(t.key(), t.text());
                                case "insecure_skip_verify" -> tls.put("insecure_skip_verify", Boolean.parseBoolean(t.text()));
                                default -> note(t, "no equivalent in the loki output's tls block (ca_file, cert_file, key_file, insecure_skip_verify)");
                            }
                        }
                        o.put("tls", tls);
                    }
                    case "backoff_config" -> {
                        for (Y b : e.entries()) {
                            switch (b.key()) {
                                case "min_period" -> retry.put("initial_backoff", b.text());
                                case "max_period" -> retry.put("max_backoff", b.text());
                                case "max_retries" -> {
                                    // Promtail drops a batch after max_retries; Outrigger writes it to dead letters
                                    retry.put("max_attempts", Integer.parseInt(b.text()) + 1);
                                }
                                default -> note(b, "not a Promtail backoff setting; left out");
                            }
                        }
                    }
                    case "drop_rate_limited_batches" -> note(e, "no equivalent: a batch Loki keeps refusing with 429 is split, and a single entry still refused goes to dead letters");
                    default -> note(e, "no equivalent in the loki output; left out");
                }
            }
            if (!batch.isEmpty()) o.put("batch", batch);
            if (!retry.isEmpty()) o.put("retry", retry);
            if (!o.containsKey("url")) note(c, "a client without url");
            outputs.put(name, o);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // scrape configs

    private void scrapeConfig(Y job, int index, Set<String> names, Map<String, Object> inputs,
                              Map<String, Object> pipelines, String rescan) {
        Y jobName = job.get("job_name");
        String base = jobName == null ? "job_" + (index + 1) : sanitize(jobName.text());
        List<Target> targets = new ArrayList<>();
        for (Y e : job.entries()) {
            switch (e.key()) {
                case "job_name", "pipeline_stages", "relabel_configs" -> { }
                case "static_configs" -> {
                    for (Y sc : e.items()) {
                        Target t = staticTarget(sc);
                        if (t != null) targets.add(t);
                    }
                }
                case "kubernetes_sd_configs" -> {
                    Target t = kubernetesTarget(e, job.get("relabel_configs"));
                    if (t != null) targets.add(t);
                }
                case "journal", "syslog", "loki_push_api", "windows_events", "gcplog", "kafka", "gelf",
                     "cloudflare", "heroku_drain", "azure_event_hubs", "docker_sd_configs", "consul_sd_configs",
                     "consulagent_sd_configs", "file_sd_configs" ->
                        note(e, "no equivalent: Outrigger reads files (static_configs) only; this job's " + e.key() + " targets are left out");
                case "encoding" -> note(e, "no equivalent: files are read as UTF-8");
                case "decompression" -> note(e, "no equivalent: compressed files are not read (exclude them)");
                default -> note(e, "not a Promtail scrape setting Outrigger knows; left out");
            }
        }
        Y relabel = job.get("relabel_configs");
        if (relabel != null && job.get("kubernetes_sd_configs") == null) {
            note(relabel, "no equivalent for static_configs targets: set the labels in static_configs' labels instead");
        }
        int n = 0;
        for (Target t : targets) {
            n++;
            String name = unique(targets.size() == 1 ? base : base + "_" + n, names);
            Map<String, Object> input = new LinkedHashMap<>();
            input.put("type", "file");
            input.put("paths", t.paths);
            if (!t.exclude.isEmpty()) input.put("exclude", t.exclude);
            if (rescan != null) input.put("rescan_interval", rescan);
            inputs.put(name, input);
            inputPaths.add(new InputPaths(name, List.copyOf(t.paths), List.copyOf(t.exclude)));

            Ctx ctx = new Ctx(new ArrayList<>(outputs.keySet()));
            List<Object> stages = new ArrayList<>(t.stagesBefore);
            Map<String, Object> first = new LinkedHashMap<>();
            t.labels.forEach((k, v) -> {
                first.put(k, v);
                ctx.labels.put(k, v.contains("${") || v.contains("{{") ? new FromTemplate(v) : new Static(v));
            });
            t.fieldLabels.forEach((k, field) -> {
                first.put(k, "{{" + field + "}}");
                ctx.labels.put(k, new FromField(field));
            });
            // Promtail labels every line with the file it came from
            first.put("filename", "{{log.file.path}}");
            ctx.labels.put("filename", new FromField("log.file.path"));
            stages.add(stage("labels", first));
            Y ps = job.get("pipeline_stages");
            if (ps != null) stages.addAll(stages(ps, ctx));
            Map<String, Object> pipeline = new LinkedHashMap<>();
            pipeline.put("from", List.of(name));
            pipeline.put("stages", stages);
            pipeline.put("to", new ArrayList<>(outputs.keySet()));
            pipelines.put(name, pipeline);
        }
    }

    private static final class Target {
        final List<String> paths = new ArrayList<>();
        final List<String> exclude = new ArrayList<>();
        final Map<String, String> labels = new LinkedHashMap<>();
        final Map<String, String> fieldLabels = new LinkedHashMap<>();
        final List<Object> stagesBefore = new ArrayList<>();
    }

    private Target staticTarget(Y sc) {
        Target t = new Target();
        for (Y e : sc.entries()) {
            switch (e.key()) {
                case "targets" -> { } // Promtail ignores them for files too (localhost)
                case "labels" -> {
                    for (Y l : e.entries()) {
                        switch (l.key()) {
                            case "__path__" -> t.paths.add(l.text());
                            case "__path_exclude__" -> t.exclude.add(l.text());
                            default -> {
                                if (l.key().startsWith("__")) note(l, "a hidden label (__...) has no use without relabel_configs; left out");
                                else t.labels.put(l.key(), l.text());
                            }
                        }
                    }
                }
                default -> note(e, "not a static_configs setting; left out");
            }
        }
        if (t.paths.isEmpty()) {
            note(sc, "a static_configs entry without __path__ reads no file; left out");
            return null;
        }
        return t;
    }

    /** The kubelet's pod logs and our {@code kubernetes} stage, for the usual relabelling of pod metadata. */
    private Target kubernetesTarget(Y sd, Y relabel) {
        Target t = new Target();
        t.paths.add("/var/log/pods/*/*/*.log");
        Map<String, Object> k8s = new LinkedHashMap<>();
        k8s.put("labels", List.of());
        t.stagesBefore.add(stage("kubernetes", k8s));
        for (Y conf : sd.items()) {
            for (Y e : conf.entries()) {
                if (e.key().equals("role")) {
                    if (!e.text().equals("pod")) note(e, "only role: pod is converted (files of the pods on this node)");
                } else if (!e.key().equals("namespaces") && !e.key().equals("selectors")) {
                    note(e, "no equivalent (the kubernetes stage reads the pod from the log file's path, not the API server)");
                } else {
                    note(e, "no equivalent: every pod's log files under /var/log/pods are read; exclude others with exclude globs");
                }
            }
        }
        Map<String, String> meta = Map.of(
                "__meta_kubernetes_namespace", "namespace", "__meta_kubernetes_pod_name", "pod",
                "__meta_kubernetes_pod_container_name", "container", "__meta_kubernetes_pod_uid", "pod_uid",
                "__meta_kubernetes_pod_node_name", "node");
        if (relabel == null) return t;
        for (Y r : relabel.items()) {
            String action = r.get("action") == null ? "replace" : r.get("action").text();
            Y target = r.get("target_label");
            Y sources = r.get("source_labels");
            if (target != null && target.text().equals("__path__")) continue; // our glob covers the kubelet's layout
            if (!action.equals("replace") || target == null || sources == null || sources.items().size() != 1
                    || r.get("regex") != null || r.get("replacement") != null) {
                note(r, "no equivalent: only relabelling one of the pod's namespace, name, container, uid or node into a label is converted");
                continue;
            }
            String field = meta.get(sources.items().get(0).text());
            if (field == null) {
                note(r, "no equivalent: " + sources.items().get(0).text() + " comes from the API server; the kubernetes stage knows namespace, pod, container, pod_uid and node");
                continue;
            }
            if (field.equals("node")) note(r, "the node name is not in the log path: set the kubernetes stage's node: ${NODE_NAME} from the Downward API");
            t.fieldLabels.put(target.text(), field);
        }
        return t;
    }

    // ---------------------------------------------------------------------------------------------------------
    // stages

    /** What a label's value is known to be while converting: for match selectors. */
    private sealed interface LabelSource permits Static, FromField, FromTemplate {}

    private record Static(String value) implements LabelSource {}

    private record FromField(String field) implements LabelSource {}

    private record FromTemplate(String template) implements LabelSource {}

    /** The field our stages keep an extracted value named {@code message} in: {@code {{message}}} is the line. */
    static final String EXTRACTED_MESSAGE = "extracted_message";

    private static final class Ctx {
        final Map<String, LabelSource> labels = new LinkedHashMap<>();
        final List<String> outputs;

        Ctx(List<String> outputs) { this.outputs = outputs; }

        Ctx copy() {
            Ctx c = new Ctx(outputs);
            c.labels.putAll(labels);
            return c;
        }

        /** Our field for an extracted value's name (a dotted path's first segment included). */
        static String field(String extracted) {
            if (extracted.equals("message")) return EXTRACTED_MESSAGE;
            if (extracted.startsWith("message.")) return EXTRACTED_MESSAGE + extracted.substring(7);
            return extracted;
        }
    }

    private List<Object> stages(Y list, Ctx ctx) {
        List<Object> out = new ArrayList<>();
        for (Y item : list.items()) {
            List<Y> entries = item.entries();
            if (entries.size() != 1) {
                note(item, "a pipeline stage is a map with one key (the stage's name)");
                continue;
            }
            stage(entries.get(0), out, ctx);
        }
        return out;
    }

    private void stage(Y s, List<Object> out, Ctx ctx) {
        switch (s.key()) {
            case "docker", "cri" -> {
                Map<String, Object> o = new LinkedHashMap<>();
                for (Y e : s.entries()) {
                    if (e.key().equals("max_partial_line_size")) o.put("max_bytes", e.text() + (e.text().matches("[0-9]+") ? "B" : ""));
                    else note(e, "no equivalent: joined partial lines are capped by max_bytes (1MiB) and flushed after flush_timeout (5s)");
                }
                out.add(stage(s.key(), o));
                // Promtail's docker and cri stages make the stream a label
                out.add(stage("labels", map("stream", "{{stream}}")));
                ctx.labels.put("stream", new FromField("stream"));
            }
            case "regex" -> regex(s, out);
            case "json" -> json(s, out);
            case "logfmt" -> logfmt(s, out);
            case "replace" -> replace(s, out);
            case "multiline" -> multiline(s, out);
            case "template" -> template(s, out);
            case "timestamp" -> timestamp(s, out);
            case "output" -> {
                String source = required(s, "source");
                if (source == null) return;
                source = Ctx.field(source);
                Map<String, Object> match = new LinkedHashMap<>();
                match.put("when", map("field", source, "missing", false));
                match.put("stages", List.of(stage("template", map("message", "{{" + source + "}}"))));
                out.add(stage("match", match));
            }
            case "labels" -> {
                Map<String, Object> labels = new LinkedHashMap<>();
                for (Y e : s.entries()) {
                    String source = Ctx.field(e.isNull() ? e.key() : e.text());
                    labels.put(e.key(), "{{" + source + "}}");
                    ctx.labels.put(e.key(), new FromField(source));
                }
                if (!labels.isEmpty()) out.add(stage("labels", labels));
            }
            case "static_labels" -> {
                Map<String, Object> labels = new LinkedHashMap<>();
                for (Y e : s.entries()) {
                    labels.put(e.key(), e.isNull() ? "" : e.text());
                    ctx.labels.put(e.key(), new Static(e.isNull() ? "" : e.text()));
                }
                if (!labels.isEmpty()) out.add(stage("labels", labels));
            }
            case "labeldrop", "labelallow" -> {
                List<String> names = new ArrayList<>();
                for (Y e : s.items()) names.add(e.text());
                if (s.key().equals("labeldrop")) names.forEach(ctx.labels::remove);
                else ctx.labels.keySet().retainAll(names);
                out.add(stage(s.key(), names));
            }
            case "structured_metadata" -> {
                for (Y e : s.entries()) {
                    String source = Ctx.field(e.isNull() ? e.key() : e.text());
                    if (!source.equals(e.key())) out.add(stage("fields", map("copy", map(source, e.key()))));
                    for (String o : ctx.outputs) {
                        @SuppressWarnings("unchecked")
                        List<String> sm = (List<String>) outputs.get(o).computeIfAbsent("structured_metadata", k -> new ArrayList<String>());
                        if (!sm.contains(e.key())) sm.add(e.key());
                    }
                }
            }
            case "match" -> match(s, out, ctx);
            case "drop" -> drop(s, out, ctx);
            case "tenant" -> tenant(s, out, ctx);
            case "metrics" -> metrics(s, out, ctx);
            case "luhn" -> {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("preset", "credit_card");
                o.put("replacement", s.get("replacement") == null ? "**REDACTED**" : s.get("replacement").text());
                for (Y e : s.entries()) {
                    if (e.key().equals("source")) note(e, "no equivalent: the redact stage works on the message");
                    else if (!e.key().equals("replacement")) note(e, "no equivalent: card numbers are found by their Luhn check digit; min_length is not configurable");
                }
                out.add(stage("redact", o));
            }
            case "decolorize" -> {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("pattern", "\\x1b\\[[0-9;]*[A-Za-z]");
                r.put("replacement", "");
                out.add(stage("redact", r));
            }
            case "limit" -> note(s, "no equivalent: Outrigger does not rate-limit lines (a slow output slows reading instead); the stage is left out");
            case "sampling" -> {
                String rate = required(s, "rate");
                if (rate == null) return;
                double r;
                try {
                    r = Double.parseDouble(rate);
                } catch (NumberFormatException e) {
                    r = Double.NaN;
                }
                if (!(r >= 0 && r <= 1)) {
                    note(s.get("rate"), "rate must be a number between 0 and 1; the stage is left out");
                    return;
                }
                unknownKeys(s, Set.of("rate", "drop_counter_reason"));
                out.add(stage("sampling", map("rate", r)));
            }
            case "pack" -> note(s, "no equivalent: set the Loki output's line_format: json to send fields with the line; the stage is left out");
            case "geoip", "eventlogmessage" -> note(s, "no equivalent; the stage is left out");
            default -> note(s, "unknown stage \"" + s.key() + "\"; left out");
        }
    }

    private static final Pattern GO_GROUP = Pattern.compile("\\(\\?P<([^>]*)>");
    private static final Pattern JAVA_GROUP_NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9]*");

    /** A Go RE2 expression as a Java regex: {@code (?P<name>} groups, POSIX classes. Names fixed by {@code renames}. */
    static String javaRegex(String re2, Map<String, String> renames) {
        Matcher m = GO_GROUP.matcher(re2);
        StringBuilder sb = new StringBuilder();
        int n = 0;
        while (m.find()) {
            String name = m.group(1);
            String javaName = name;
            if (!JAVA_GROUP_NAME.matcher(name).matches()) {
                javaName = name.replaceAll("[^a-zA-Z0-9]", "");
                if (javaName.isEmpty() || !Character.isLetter(javaName.charAt(0))) javaName = "g" + javaName;
                javaName = javaName + "X" + (++n);
                renames.put(javaName, name);
            }
            m.appendReplacement(sb, Matcher.quoteReplacement("(?<" + javaName + ">"));
        }
        m.appendTail(sb);
        String s = sb.toString();
        // a Go (?<name> is accepted too; rename those likewise
        Matcher m2 = Pattern.compile("\\(\\?<([a-zA-Z_][a-zA-Z0-9_]*)>").matcher(s);
        sb = new StringBuilder();
        while (m2.find()) {
            String name = m2.group(1);
            String javaName = name;
            if (!JAVA_GROUP_NAME.matcher(name).matches() && !renames.containsKey(name)) {
                javaName = name.replaceAll("[^a-zA-Z0-9]", "");
                if (javaName.isEmpty() || !Character.isLetter(javaName.charAt(0))) javaName = "g" + javaName;
                javaName = javaName + "X" + (++n);
                renames.put(javaName, name);
            }
            m2.appendReplacement(sb, Matcher.quoteReplacement("(?<" + javaName + ">"));
        }
        m2.appendTail(sb);
        return sb.toString()
                .replace("[:alpha:]", "\\p{Alpha}").replace("[:digit:]", "\\p{Digit}").replace("[:alnum:]", "\\p{Alnum}")
                .replace("[:space:]", "\\s").replace("[:upper:]", "\\p{Upper}").replace("[:lower:]", "\\p{Lower}")
                .replace("[:punct:]", "\\p{Punct}").replace("[:xdigit:]", "\\p{XDigit}").replace("[:word:]", "\\w")
                .replace("[:blank:]", "\\p{Blank}").replace("[:print:]", "\\p{Print}").replace("[:graph:]", "\\p{Graph}")
                .replace("[:cntrl:]", "\\p{Cntrl}").replace("\\z", "\\z");
    }

    /** Null and a note when the Java regex does not compile. */
    private String compiles(Y where, String javaRegex) {
        try {
            Pattern.compile(javaRegex);
            return javaRegex;
        } catch (PatternSyntaxException e) {
            note(where, "the expression is not a valid Java regex after translation (" + e.getDescription() + "); the stage is left out");
            return null;
        }
    }

    private void regex(Y s, List<Object> out) {
        String expression = required(s, "expression");
        if (expression == null) return;
        Map<String, String> renames = new LinkedHashMap<>();
        String pattern = compiles(s.get("expression"), javaRegex(expression, renames));
        if (pattern == null) return;
        if (Pattern.compile(pattern).namedGroups().isEmpty()) {
            note(s.get("expression"), "no named groups: the stage extracts nothing and is left out");
            return;
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("pattern", pattern);
        o.put("time_format", "none");
        sourceOption(s, o);
        unknownKeys(s, Set.of("expression", "source"));
        out.add(stage("regex", o));
        if (!renames.isEmpty()) out.add(stage("fields", map("rename", new LinkedHashMap<>(renames))));
    }

    private void sourceOption(Y s, Map<String, Object> o) {
        Y source = s.get("source");
        if (source != null && !source.isNull()) o.put("source", Ctx.field(source.text()));
    }

    private static final Pattern JMES_SIMPLE = Pattern.compile(
            "([A-Za-z_][A-Za-z0-9_]*|\"[^\".]+\")(\\.([A-Za-z_][A-Za-z0-9_]*|\"[^\".]+\"))*");

    private void json(Y s, List<Object> out) {
        Map<String, Object> o = new LinkedHashMap<>();
        sourceOption(s, o);
        unknownKeys(s, Set.of("expressions", "source", "drop_malformed"));
        out.add(stage("json", o));
        Y expressions = s.get("expressions");
        if (expressions != null) extract(expressions, out, true);
        Y dm = s.get("drop_malformed");
        if (dm != null && dm.text().equals("true")) out.add(stage("drop", map("field", "parse_error", "missing", false)));
    }

    /**
     * Fields named as Promtail's {@code expressions} / {@code mapping} name them, copied from the parsed keys. A
     * parsed key {@code message} is renamed {@value #EXTRACTED_MESSAGE} first ({@code message} is the line).
     */
    private void extract(Y expressions, List<Object> out, boolean jmesPath) {
        List<String[]> copies = new ArrayList<>();
        boolean usesMessage = false;
        for (Y e : expressions.entries()) {
            String expr = e.isNull() || e.text().isEmpty() ? e.key() : e.text();
            if (jmesPath && !JMES_SIMPLE.matcher(expr).matches()) {
                note(e, "JMESPath beyond a plain key path (a.b, \"a-b\".c) has no equivalent; field \"" + e.key() + "\" is not set");
                continue;
            }
            String path = expr.replace("\"", "");
            if (path.equals("message") || path.startsWith("message.")) usesMessage = true;
            copies.add(new String[] {Ctx.field(path), Ctx.field(e.key())});
        }
        if (usesMessage) out.add(stage("fields", map("rename", map("message", EXTRACTED_MESSAGE))));
        for (String[] c : copies) if (!c[0].equals(c[1])) out.add(stage("fields", map("copy", map(c[0], c[1]))));
    }

    private void logfmt(Y s, List<Object> out) {
        Map<String, Object> o = new LinkedHashMap<>();
        sourceOption(s, o);
        unknownKeys(s, Set.of("mapping", "source"));
        out.add(stage("logfmt", o));
        Y mapping = s.get("mapping");
        if (mapping != null) extract(mapping, out, false);
    }

    private void replace(Y s, List<Object> out) {
        String expression = required(s, "expression");
        if (expression == null) return;
        Y source = s.get("source");
        if (source != null && !source.isNull() && !source.text().equals("message")) {
            note(source, "no equivalent: replacing inside an extracted value (only the line is converted); the stage is left out");
            return;
        }
        String replacement = s.get("replace") == null || s.get("replace").isNull() ? "" : s.get("replace").text();
        if (replacement.contains("{{")) {
            note(s.get("replace"), "no equivalent: a templated replacement; the stage is left out");
            return;
        }
        Map<String, String> renames = new LinkedHashMap<>();
        String java = compiles(s.get("expression"), javaRegex(expression, renames));
        if (java == null) return;
        int groups = Pattern.compile(java).matcher("").groupCount();
        if (!Pattern.compile(java).namedGroups().isEmpty() || groups > 1) {
            note(s.get("expression"), "no equivalent: named or several capture groups (the redact stage replaces one group or the whole match); the stage is left out");
            return;
        }
        if (groups == 1) {
            int open = firstCapturingParen(java);
            java = java.substring(0, open) + "(?<secret>" + java.substring(open + 1);
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("pattern", java);
        o.put("replacement", replacement);
        unknownKeys(s, Set.of("expression", "source", "replace"));
        out.add(stage("redact", o));
    }

    private static int firstCapturingParen(String re) {
        boolean inClass = false;
        for (int i = 0; i < re.length(); i++) {
            char c = re.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '[') {
                inClass = true;
            } else if (c == ']') {
                inClass = false;
            } else if (c == '(' && !inClass && (i + 1 >= re.length() || re.charAt(i + 1) != '?')) {
                return i;
            }
        }
        return -1;
    }

    private void multiline(Y s, List<Object> out) {
        String first = required(s, "firstline");
        if (first == null) return;
        String java = compiles(s.get("firstline"), javaRegex(first, new LinkedHashMap<>()));
        if (java == null) return;
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("start_pattern", java);
        // Promtail's defaults, which differ from ours
        o.put("flush_timeout", s.get("max_wait_time") == null ? "3s" : s.get("max_wait_time").text());
        o.put("max_lines", s.get("max_lines") == null ? 128 : Integer.parseInt(s.get("max_lines").text()));
        unknownKeys(s, Set.of("firstline", "max_wait_time", "max_lines"));
        out.add(stage("multiline", o));
    }

    private static final Pattern GO_REF = Pattern.compile("\\{\\{-?\\s*\\.([A-Za-z_][A-Za-z0-9_]*)\\s*-?}}");

    private void template(Y s, List<Object> out) {
        String source = required(s, "source");
        String template = s.get("template") == null ? null : s.get("template").text();
        if (source == null) return;
        if (template == null) {
            note(s, "a template stage without template; left out");
            return;
        }
        source = Ctx.field(source);
        String ours = goTemplate(template, source);
        if (ours == null) {
            note(s.get("template"), "no equivalent: only text with {{ .Name }} / {{ .Value }} references is converted (Go template functions are not); the stage is left out");
            return;
        }
        unknownKeys(s, Set.of("source", "template"));
        out.add(stage("template", map("fields", map(source, ours))));
    }

    /** {@code {{ .Value }}} and {@code {{ .name }}} references as ours; null when the template has anything else. */
    static String goTemplate(String template, String source) {
        Matcher m = GO_REF.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String ref = name.equals("Value") ? source : name.equals("Entry") ? "message" : Ctx.field(name);
            m.appendReplacement(sb, Matcher.quoteReplacement("{{" + ref + "}}"));
        }
        m.appendTail(sb);
        String ours = sb.toString();
        String rest = GO_REF.matcher(template).replaceAll("");
        return rest.contains("{{") ? null : ours;
    }

    private void timestamp(Y s, List<Object> out) {
        String source = required(s, "source");
        String format = required(s, "format");
        if (source == null || format == null) return;
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("source", Ctx.field(source));
        o.put("format", GoTimeLayout.toFormat(format));
        Y location = s.get("location");
        if (location != null) o.put("timezone", location.text());
        Y fallback = s.get("fallback_formats");
        if (fallback != null && fallback.node instanceof SequenceNode) {
            List<String> formats = new ArrayList<>();
            for (Y f : fallback.items()) formats.add(GoTimeLayout.toFormat(f.text()));
            if (!formats.isEmpty()) o.put("fallback_formats", formats);
        } else if (fallback != null && !fallback.isNull()) {
            note(fallback, "fallback_formats must be a list of layouts; left out");
        }
        Y action = s.get("action_on_failure");
        if (action != null && action.text().equals("skip")) {
            note(action, "no equivalent: an unparsed time keeps the read time (flag timestamp_unparsed), as Promtail's fudge does closely");
        }
        unknownKeys(s, Set.of("source", "format", "location", "fallback_formats", "action_on_failure"));
        out.add(stage("timestamp", o));
    }

    private void match(Y s, List<Object> out, Ctx ctx) {
        String selector = required(s, "selector");
        if (selector == null) return;
        String action = s.get("action") == null ? "keep" : s.get("action").text();
        List<Map<String, Object>> conditions = conditions(s.get("selector"), selector, ctx);
        if (conditions == null) return;
        boolean never = conditions.size() == 1 && conditions.get(0) == NEVER;
        unknownKeys(s, Set.of("selector", "stages", "action", "pipeline_name", "drop_counter_reason"));
        if (action.equals("drop")) {
            if (never) return; // a static label has another value: it never drops here
            List<Object> inner = new ArrayList<>();
            Map<String, Object> last = conditions.isEmpty() ? map("field", "message", "missing", false) : conditions.removeLast();
            inner.add(stage("drop", last));
            out.addAll(nest(conditions, inner));
            return;
        }
        if (!action.equals("keep")) {
            note(s.get("action"), "action is keep or drop");
            return;
        }
        Y stages = s.get("stages");
        if (stages == null) {
            note(s, "a match with action keep needs stages; left out");
            return;
        }
        if (never) return; // a static label has another value: its stages never run here
        Ctx inner = ctx.copy();
        List<Object> nested = stages(stages, inner);
        ctx.labels.putAll(inner.labels);
        out.addAll(nest(conditions, nested));
    }

    private static final Map<String, Object> NEVER = Map.of();

    /** {@code stages} inside one match per condition; no conditions: the stages themselves. */
    private static List<Object> nest(List<Map<String, Object>> conditions, List<Object> stages) {
        List<Object> current = stages;
        for (int i = conditions.size() - 1; i >= 0; i--) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("when", conditions.get(i));
            m.put("stages", current);
            current = List.of(stage("match", m));
        }
        return current;
    }

    /**
     * The selector as our conditions (all must hold): labels from fields become conditions on the fields, static
     * labels are decided now (a false one gives {@link #NEVER}), line filters test the message. Null (and a note)
     * when it cannot be converted.
     */
    private List<Map<String, Object>> conditions(Y where, String selector, Ctx ctx) {
        LogQlSelector sel;
        try {
            sel = LogQlSelector.parse(selector);
        } catch (IllegalArgumentException e) {
            note(where, "not a selector Outrigger can convert: " + e.getMessage() + "; the stage is left out");
            return null;
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (LogQlSelector.Matcher m : sel.matchers()) {
            LabelSource src = ctx.labels.get(m.label());
            String value = m.value();
            if (src instanceof Static st) {
                boolean holds = switch (m.op()) {
                    case "=" -> st.value().equals(value);
                    case "!=" -> !st.value().equals(value);
                    case "=~" -> st.value().matches(javaRegex(value, new LinkedHashMap<>()));
                    default -> !st.value().matches(javaRegex(value, new LinkedHashMap<>()));
                };
                if (!holds) return new ArrayList<>(List.of(NEVER));
                continue;
            }
            if (!(src instanceof FromField ff)) {
                note(where, "label \"" + m.label() + "\" is not set by this file's static labels or stages (or comes from an environment variable), so the condition on it cannot be converted; the stage is left out");
                return null;
            }
            String java = javaRegex(value, new LinkedHashMap<>());
            out.add(switch (m.op()) {
                case "=" -> map("field", ff.field(), "equals", value);
                case "=~" -> map("field", ff.field(), "regex", "^(?:" + java + ")$");
                case "!=" -> map("field", ff.field(), "regex", "^(?!" + Pattern.quote(value) + "$)");
                default -> map("field", ff.field(), "regex", "^(?!(?:" + java + ")$)");
            });
        }
        for (LogQlSelector.LineFilter f : sel.filters()) {
            String java = javaRegex(f.value(), new LinkedHashMap<>());
            out.add(switch (f.op()) {
                case "|=" -> map("field", "message", "regex", Pattern.quote(f.value()));
                case "!=" -> map("field", "message", "regex", "^(?s)(?!.*" + Pattern.quote(f.value()) + ")");
                case "|~" -> map("field", "message", "regex", java);
                default -> map("field", "message", "regex", "^(?s)(?!.*(?:" + java + "))");
            });
        }
        for (Map<String, Object> c : out) {
            Object re = c.get("regex");
            if (re != null && compiles(where, (String) re) == null) return null;
        }
        return out;
    }

    private void drop(Y s, List<Object> out, Ctx ctx) {
        Map<String, Object> cond = new LinkedHashMap<>();
        Y source = s.get("source");
        if (source != null && source.node instanceof SequenceNode) {
            if (source.items().size() > 1) {
                note(source, "no equivalent: several sources joined with separator; the stage is left out");
                return;
            }
            cond.put("field", Ctx.field(source.items().get(0).text()));
        } else if (source != null && !source.isNull()) {
            cond.put("field", Ctx.field(source.text()));
        }
        Y expression = s.get("expression");
        Y value = s.get("value");
        if (expression != null) {
            String java = compiles(expression, javaRegex(expression.text(), new LinkedHashMap<>()));
            if (java == null) return;
            cond.put("regex", java);
        }
        if (value != null) {
            if (expression != null) {
                note(value, "Promtail refuses value together with expression; the stage is left out");
                return;
            }
            cond.put("equals", value.text());
        }
        Y older = s.get("older_than");
        String olderThan = null;
        if (older != null) {
            try {
                if (io.outrigger.core.config.Durations.parse(older.text()).compareTo(java.time.Duration.ZERO) <= 0) {
                    throw new IllegalArgumentException("not positive");
                }
                olderThan = older.text();
            } catch (IllegalArgumentException e) {
                note(older, "not a positive duration such as 24h; the stage is left out");
                return;
            }
        }
        Y longline = s.get("longline_limit");
        if (longline != null) {
            if (!cond.isEmpty() || olderThan != null) {
                note(longline, "no equivalent together with other conditions; the stage is left out");
                return;
            }
            long limit = parseBytes(longline.text());
            // Promtail counts bytes; the condition counts characters (the same for ASCII lines)
            cond.put("field", "message");
            cond.put("regex", "^(?s).{" + (limit + 1) + "}");
        }
        if (cond.isEmpty() && olderThan == null) {
            note(s, "a drop stage without source, expression, value, older_than or longline_limit drops nothing here; left out");
            return;
        }
        unknownKeys(s, Set.of("source", "expression", "value", "older_than", "longline_limit", "separator", "drop_counter_reason"));
        Map<String, Object> ordered = new LinkedHashMap<>();
        if (!cond.isEmpty()) {
            if (!cond.containsKey("field")) cond.put("field", "message");
            if (!cond.containsKey("regex") && !cond.containsKey("equals")) cond.put("missing", false);
            ordered.put("field", cond.remove("field"));
            ordered.putAll(cond);
        }
        if (olderThan != null) ordered.put("older_than", olderThan);
        out.add(stage("drop", ordered));
    }

    private static long parseBytes(String s) {
        String t = s.trim().toUpperCase(java.util.Locale.ROOT);
        long mult = 1;
        if (t.endsWith("KB") || t.endsWith("KIB")) mult = 1024;
        else if (t.endsWith("MB") || t.endsWith("MIB")) mult = 1024 * 1024;
        return Long.parseLong(t.replaceAll("[^0-9]", "")) * mult;
    }

    private void tenant(Y s, List<Object> out, Ctx ctx) {
        Y value = s.get("value");
        Y source = s.get("source");
        Y label = s.get("label");
        if (value != null) {
            out.add(stage("fields", map("add", map(TENANT_FIELD, value.text()))));
        } else if (source != null) {
            out.add(stage("fields", map("copy", map(Ctx.field(source.text()), TENANT_FIELD))));
        } else if (label != null) {
            LabelSource src = ctx.labels.get(label.text());
            if (src instanceof Static st) out.add(stage("fields", map("add", map(TENANT_FIELD, st.value()))));
            else if (src instanceof FromField ff) out.add(stage("fields", map("copy", map(ff.field(), TENANT_FIELD))));
            else {
                note(label, "label \"" + label.text() + "\" is not set by this file's labels or stages; the stage is left out");
                return;
            }
        } else {
            note(s, "a tenant stage needs value, source or label; left out");
            return;
        }
        for (String o : ctx.outputs) outputs.get(o).put("tenant_id_field", TENANT_FIELD);
    }

    private void metrics(Y s, List<Object> out, Ctx ctx) {
        List<String> labelNames = new ArrayList<>(ctx.labels.keySet());
        Map<String, Object> metrics = new LinkedHashMap<>();
        for (Y m : s.entries()) {
            String type = m.get("type") == null ? "" : m.get("type").text().toLowerCase(java.util.Locale.ROOT);
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("type", type);
            if (m.get("description") != null) o.put("description", m.get("description").text());
            String source = Ctx.field(m.get("source") == null ? m.key() : m.get("source").text());
            Y config = m.get("config");
            String action = config == null || config.get("action") == null ? null : config.get("action").text();
            boolean matchAll = config != null && config.get("match_all") != null && config.get("match_all").text().equals("true");
            if (config != null && config.get("count_entry_bytes") != null) {
                note(config.get("count_entry_bytes"), "no equivalent: counting line bytes; metric \"" + m.key() + "\" is left out");
                continue;
            }
            if (m.get("prefix") != null || m.get("max_idle_duration") != null) {
                note(m, "prefix and max_idle_duration: the stage's prefix is " + PROMTAIL_METRICS_PREFIX + " for every metric and series are capped by max_series instead");
            }
            if ("dec".equals(action) || "sub".equals(action)) {
                note(config.get("action"), "no equivalent: gauges are set, incremented or added to; metric \"" + m.key() + "\" is left out");
                continue;
            }
            switch (type) {
                case "counter" -> {
                    Y value = config == null ? null : config.get("value");
                    if (matchAll) {
                        o.put("action", "inc");
                    } else if ("add".equals(action)) {
                        o.put("source", source);
                        o.put("action", "add");
                    } else {
                        o.put("action", "inc");
                    }
                    if (value != null && !matchAll) o.put("match", map("field", source, "equals", value.text()));
                }
                case "gauge" -> {
                    o.put("source", source);
                    if (action != null) o.put("action", action);
                }
                case "histogram" -> {
                    o.put("source", source);
                    Y buckets = config == null ? null : config.get("buckets");
                    if (buckets != null) {
                        List<Double> b = new ArrayList<>();
                        for (Y x : buckets.items()) b.add(Double.parseDouble(x.text()));
                        o.put("buckets", b);
                    }
                }
                default -> {
                    note(m, "unknown metric type \"" + type + "\"; left out");
                    continue;
                }
            }
            // Promtail labels a metric's series with the line's labels
            if (!labelNames.isEmpty()) o.put("labels", new ArrayList<>(labelNames)); // a copy each: a shared list would be written as a YAML alias
            metrics.put(m.key(), o);
        }
        if (metrics.isEmpty()) return;
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("prefix", PROMTAIL_METRICS_PREFIX);
        o.put("metrics", metrics);
        out.add(stage("metrics", o));
    }

    // ---------------------------------------------------------------------------------------------------------
    // helpers

    private String required(Y s, String key) {
        Y v = s.get(key);
        if (v == null || v.isNull()) {
            note(s, "needs " + key + "; the stage is left out");
            return null;
        }
        return v.text();
    }

    private void unknownKeys(Y s, Set<String> known) {
        for (Y e : s.entries()) if (!known.contains(e.key())) note(e, "not a setting of Promtail's " + s.key() + " stage Outrigger knows; left out");
    }

    private void note(Y where, String why) { notes.add(new Note(where.line(), where.path(), why)); }

    private static String sanitize(String name) {
        String s = name.replaceAll("[^a-zA-Z0-9_-]", "_");
        if (s.isEmpty() || !Character.isLetter(s.charAt(0))) s = "job_" + s;
        return s;
    }

    private static String unique(String name, Set<String> used) {
        String n = name;
        for (int i = 2; !used.add(n); i++) n = name + "_" + i;
        return n;
    }

    static Map<String, Object> stage(String type, Object options) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(type, options);
        return m;
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    /** A node of the Promtail file with its key, path and line. */
    static final class Y {
        final Node node;
        private final String key;
        private final String path;
        private final int line;

        Y(Node node, String path) { this(node, "", path, node.getStartMark().getLine() + 1); }

        private Y(Node node, String key, String path, int line) {
            this.node = node;
            this.key = key;
            this.path = path;
            this.line = line;
        }

        String key() { return key; }

        String path() { return path.isEmpty() ? "(top)" : path; }

        int line() { return line; }

        boolean isNull() {
            return node instanceof ScalarNode s && (s.getTag().getValue().endsWith(":null") || s.getValue().isEmpty() && s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN);
        }

        String text() {
            if (node instanceof ScalarNode s) return s.getValue();
            throw new IllegalArgumentException("line " + line() + ": " + path() + ": expected a value, found a " + (node instanceof MappingNode ? "map" : "list"));
        }

        List<Y> entries() {
            List<Y> out = new ArrayList<>();
            if (node instanceof MappingNode m) {
                for (NodeTuple t : m.getValue()) {
                    String k = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "?";
                    Node v = t.getValueNode();
                    out.add(new Y(v, k, path.isEmpty() ? k : path + "." + k, t.getKeyNode().getStartMark().getLine() + 1));
                }
            }
            return out;
        }

        Y get(String k) {
            for (Y e : entries()) if (e.key.equals(k)) return e;
            return null;
        }

        List<Y> items() {
            List<Y> out = new ArrayList<>();
            if (node instanceof SequenceNode s) {
                int i = 0;
                for (Node n : s.getValue()) {
                    String p = path + "[" + i + "]";
                    out.add(n instanceof MappingNode mn && mn.getValue().size() == 1 && mn.getValue().get(0).getKeyNode() instanceof ScalarNode k
                            ? new Y(n, k.getValue(), p, n.getStartMark().getLine() + 1) : new Y(n, "", p, n.getStartMark().getLine() + 1));
                    i++;
                }
            }
            return out;
        }
    }
}
