package io.outrigger.agent.config;

import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.parsers.process.Condition;
import io.outrigger.parsers.process.ConditionConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.outrigger.agent.config.YamlTree.Entry;
import io.outrigger.agent.config.YamlTree.ListNode;
import io.outrigger.agent.config.YamlTree.MapNode;
import io.outrigger.agent.config.YamlTree.Node;
import io.outrigger.agent.config.YamlTree.Scalar;
import io.outrigger.core.config.ByteSize;
import io.outrigger.core.config.ConfigException;
import io.outrigger.core.config.ConfigModule;
import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.config.Durations;
import io.outrigger.core.config.OutputSettings;
import io.outrigger.core.pipeline.ComponentFactory;
import io.outrigger.core.pipeline.InputFactory;
import io.outrigger.core.pipeline.OutputFactory;
import io.outrigger.core.pipeline.StageFactory;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads and validates a config file (format: see {@link PipelineConfig}). Every problem found is reported in one
 * {@link ConfigException}, each with its absolute key path and YAML line, sorted by line. Values bound to a
 * {@code Secret} never appear in a message. Immutable; each call is independent, so it may be shared.
 */
public final class ConfigLoader {

    private static final Set<String> TOP_KEYS = ordered("agent", "inputs", "pipelines", "outputs", "tests");
    private static final Set<String> PIPELINE_KEYS = ordered("from", "stages", "to");
    private static final Set<String> MATCH_KEYS = ordered("when", "stages");

    /** Binds and checks a {@code match} condition with the same rules as any stage config. */
    private static final StageFactory<ConditionConfig> CONDITION = new StageFactory<>() {
        @Override public String type() { return "when"; }
        @Override public Class<ConditionConfig> configType() { return ConditionConfig.class; }
        @Override public List<ConfigProblem> validate(ConditionConfig config) { return Condition.validate(config); }
        @Override public Stage create(ConditionConfig config, ComponentContext context) {
            throw new UnsupportedOperationException("a condition is not a stage");
        }
    };
    private static final Set<String> TEST_KEYS = ordered("name", "pipeline", "input", "expect");
    private static final Set<String> TYPE_KEY = Set.of("type");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final String NAME_RULE =
            "use lowercase letters, digits, \"_\" and \"-\", starting with a letter or digit, at most 63 characters";
    private static final Pattern LISTEN = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[^:\\[\\]\\s]*):([0-9]{1,5})");
    private static final List<String> LOG_FORMATS = List.of("json", "text");
    private static final List<String> LOG_LEVELS = List.of("error", "warn", "info", "debug");

    private final EnvSubstitution env;
    private final ComponentRegistry registry;
    private final ObjectMapper mapper = ConfigModule.newMapper();

    public ConfigLoader(Map<String, String> env, ComponentRegistry registry) {
        this.env = new EnvSubstitution(Objects.requireNonNull(env, "env"));
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Reads {@code file} (UTF-8) and validates it. */
    public PipelineConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (NoSuchFileException e) {
            throw new ConfigException("", "cannot read " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new ConfigException("", "cannot read " + file + ": permission denied");
        } catch (CharacterCodingException e) {
            throw new ConfigException("", "cannot read " + file + ": not valid UTF-8");
        } catch (IOException e) {
            throw new ConfigException("", "cannot read " + file + ": " + e.getMessage());
        }
        return parse(text, file);
    }

    /** Validates YAML text; {@code sourceName} names it in {@link PipelineConfig#source()}. */
    public PipelineConfig parse(String yamlText, Path sourceName) throws ConfigException {
        return new Run(sourceName).run(yamlText);
    }

    /** One load: the problems found so far and what was read. */
    private final class Run {
        private final Path source;
        private final Problems problems = new Problems();
        private final Binder binder = new Binder(mapper, problems);
        private final Set<String> inputNames = new LinkedHashSet<>();
        private final Set<String> outputNames = new LinkedHashSet<>();
        private final Set<String> pipelineNames = new LinkedHashSet<>();

        Run(Path source) { this.source = Objects.requireNonNull(source, "sourceName"); }

        PipelineConfig run(String text) throws ConfigException {
            Node root = YamlTree.parse(text, env, problems);
            if (root == null) {
                throw new ConfigException("", "the file is empty (it needs at least inputs, pipelines and outputs)");
            }
            if (!(root instanceof MapNode top)) {
                problems.add("", "expected a map with the keys " + String.join(", ", TOP_KEYS) + " at the top");
                throw new ConfigException(problems.sorted());
            }
            unknownKeys("", top, TOP_KEYS);
            AgentSettings agent = agent(top.get("agent"));
            Map<String, InputSpec> inputs = inputs(top.get("inputs"));
            Map<String, OutputSpec> outputs = outputs(top.get("outputs"));
            Map<String, PipelineSpec> pipelines = pipelines(top.get("pipelines"));
            List<TestCase> tests = tests(top.get("tests"));
            labelsProvided(outputs, pipelines);
            if (!problems.isEmpty()) throw new ConfigException(problems.sorted());
            return new PipelineConfig(source, agent, inputs, pipelines, outputs, tests);
        }

        // ---- agent ----

        AgentSettings agent(Node node) {
            if (node == null || isNull(node)) return AgentSettings.defaults();
            AgentYaml a = binder.bind("agent", YamlTree.toJson(node), AgentYaml.class, Set.of());
            if (a == null) return AgentSettings.defaults();
            Duration shutdown = a.shutdownTimeout();
            positive("agent.shutdown_timeout", shutdown);
            positive("agent.checkpoint_interval", a.checkpointInterval());
            ByteSize max = a.buffer() == null ? null : a.buffer().maxBytes();
            if (max != null && max.bytes() < ByteSize.ofMiB(1).bytes()) {
                problems.add("agent.buffer.max_bytes", "must be at least 1MiB, got " + max);
            }
            String listen = a.http() == null ? null : a.http().listen();
            if (listen != null && !listen.isEmpty() && !validListen(listen)) {
                problems.add("agent.http.listen", "invalid address \"" + listen
                        + "\" (expected host:port such as 0.0.0.0:2020 or 127.0.0.1:2020, or \"\" to disable)");
            }
            String format = oneOf("agent.log.format", a.log() == null ? null : a.log().format(), LOG_FORMATS);
            String level = oneOf("agent.log.level", a.log() == null ? null : a.log().level(), LOG_LEVELS);
            if (a.dataDir() != null && a.dataDir().toString().isEmpty()) problems.add("agent.data_dir", "must not be empty");
            return new AgentSettings(a.dataDir(), shutdown, max, a.checkpointInterval(), listen, format, level,
                    a.exitWhen() == null ? null : a.exitWhen().fileExists(),
                    a.http() != null && Boolean.TRUE.equals(a.http().tap()),
                    a.http() != null && Boolean.TRUE.equals(a.http().tapAllowRemote()));
        }

        private void positive(String path, Duration d) {
            if (d != null && (d.isZero() || d.isNegative())) problems.add(path, "must be positive, got " + Durations.format(d));
        }

        private String oneOf(String path, String value, List<String> allowed) {
            if (value == null) return null;
            String v = value.toLowerCase(Locale.ROOT);
            if (!allowed.contains(v)) {
                problems.add(path, "\"" + value + "\" is not one of " + String.join(", ", allowed));
                return null;
            }
            return v;
        }

        // ---- inputs and outputs ----

        Map<String, InputSpec> inputs(Node node) {
            Map<String, InputSpec> specs = new LinkedHashMap<>();
            MapNode map = namedBlock("inputs", node, "input");
            if (map == null) return specs;
            for (Entry e : map.entries().values()) {
                String path = "inputs." + e.key();
                inputNames.add(e.key());
                checkName(path, e.key());
                MapNode body = componentBody(path, e.value(), "input", registry.inputTypes());
                if (body == null) continue;
                String type = type(path, body, "input", registry.inputTypes());
                if (type == null) continue;
                InputFactory<?> factory = registry.input(type).orElse(null);
                if (factory == null) {
                    problems.addBroken(path + ".type", Suggestions.unknownName("input type", type, registry.inputTypes()));
                    continue;
                }
                Object config = bindAndValidate(path, options(body), factory);
                if (config != null) specs.put(e.key(), new InputSpec(e.key(), type, factory, config));
            }
            return specs;
        }

        Map<String, OutputSpec> outputs(Node node) {
            Map<String, OutputSpec> specs = new LinkedHashMap<>();
            MapNode map = namedBlock("outputs", node, "output");
            if (map == null) return specs;
            for (Entry e : map.entries().values()) {
                String path = "outputs." + e.key();
                outputNames.add(e.key());
                checkName(path, e.key());
                MapNode body = componentBody(path, e.value(), "output", registry.outputTypes());
                if (body == null) continue;
                String type = type(path, body, "output", registry.outputTypes());
                if (type == null) continue;
                OutputFactory<?> factory = registry.output(type).orElse(null);
                if (factory == null) {
                    problems.addBroken(path + ".type", Suggestions.unknownName("output type", type, registry.outputTypes()));
                    continue;
                }
                Object config = bindAndValidate(path, options(body), factory);
                if (config instanceof OutputSettings settings) {
                    settings.validateShared().forEach(p -> problems.add(p.under(path)));
                    specs.put(e.key(), new OutputSpec(e.key(), type, factory, settings));
                }
            }
            return specs;
        }

        /** The {@code inputs:} / {@code outputs:} / {@code pipelines:} map; null (after reporting) if absent or empty. */
        private MapNode namedBlock(String key, Node node, String what) {
            if (node instanceof MapNode m && !m.entries().isEmpty()) return m;
            if (node == null || isNull(node) || node instanceof MapNode) {
                problems.add(key, "at least one " + what + " is required");
            } else {
                problems.add(key, "expected a map of " + what + "s by name, e.g. " + key + ": {my-" + what + ": {...}}");
            }
            return null;
        }

        private MapNode componentBody(String path, Node node, String what, Set<String> types) {
            if (node instanceof MapNode m) return m;
            problems.addBroken(path, "expected a map with a \"type\" (" + known(types) + ") and the " + what + "'s options");
            return null;
        }

        private String type(String path, MapNode body, String what, Set<String> known) {
            Node t = body.get("type");
            if (t == null || isNull(t)) {
                problems.addBroken(path + ".type", "required: the " + what + " type (" + known(known) + ")");
                for (String key : body.entries().keySet()) {
                    if (Suggestions.nearest(key, TYPE_KEY).isPresent()) {
                        problems.add(path + "." + key, Suggestions.unknownKey(key, TYPE_KEY));
                    }
                }
                return null;
            }
            if (!(t instanceof Scalar s) || !s.isText()) {
                problems.addBroken(path + ".type", "expected the " + what + " type as a string (" + known(known) + ")");
                return null;
            }
            return s.text();
        }

        private static JsonNode options(MapNode body) {
            ObjectNode o = (ObjectNode) YamlTree.toJson(body);
            o.remove("type");
            return o;
        }

        /** Binds a component's options and runs its factory's checks; null if it cannot be used. */
        @SuppressWarnings("unchecked")
        private Object bindAndValidate(String path, JsonNode options, ComponentFactory<?> factory) {
            Set<String> extra = factory instanceof StageFactory<?> ? Set.of() : TYPE_KEY;
            Object config = binder.bind(path, options, factory.configType(), extra);
            if (config == null) return null;
            try {
                List<ConfigProblem> found = ((ComponentFactory<Object>) factory).validate(config);
                if (found != null) found.forEach(p -> problems.add(p.under(path)));
            } catch (RuntimeException ex) {
                problems.add(path, "could not be checked: " + (ex.getMessage() == null ? "internal error" : ex.getMessage()));
            }
            return config;
        }

        // ---- pipelines ----

        Map<String, PipelineSpec> pipelines(Node node) {
            Map<String, PipelineSpec> specs = new LinkedHashMap<>();
            MapNode map = namedBlock("pipelines", node, "pipeline");
            Set<String> usedInputs = new HashSet<>();
            Set<String> usedOutputs = new HashSet<>();
            if (map != null) {
                for (Entry e : map.entries().values()) {
                    String path = "pipelines." + e.key();
                    pipelineNames.add(e.key());
                    checkName(path, e.key());
                    if (!(e.value() instanceof MapNode body)) {
                        problems.addBroken(path, "expected a map with from, stages and to");
                        continue;
                    }
                    unknownKeys(path, body, PIPELINE_KEYS);
                    List<String> from = references(path + ".from", body.get("from"), "input", inputNames);
                    List<StageSpec> stages = stages(path + ".stages", body.get("stages"));
                    List<String> to = references(path + ".to", body.get("to"), "output", outputNames);
                    usedInputs.addAll(from);
                    usedOutputs.addAll(to);
                    specs.put(e.key(), new PipelineSpec(e.key(), from, stages, to));
                }
            }
            for (String name : inputNames) {
                if (!usedInputs.contains(name) && map != null) {
                    problems.add("inputs." + name, "not used by any pipeline (add it to a pipeline's \"from\" or remove it)");
                }
            }
            for (String name : outputNames) {
                if (!usedOutputs.contains(name) && map != null) {
                    problems.add("outputs." + name, "not used by any pipeline (add it to a pipeline's \"to\" or remove it)");
                }
            }
            return specs;
        }

        /** An output that needs labeled records (Loki without static labels) gets them from each pipeline that feeds it. */
        @SuppressWarnings("unchecked")
        void labelsProvided(Map<String, OutputSpec> outputs, Map<String, PipelineSpec> pipelines) {
            for (PipelineSpec p : pipelines.values()) {
                if (setsLabels(p.stages())) continue;
                for (String to : p.to()) {
                    OutputSpec o = outputs.get(to);
                    if (o == null) continue;
                    String needed = ((OutputFactory<OutputSettings>) o.factory()).labelsNeeded(o.config());
                    if (needed != null) problems.add("outputs." + to + ".labels", needed + " \"" + p.name() + "\"");
                }
            }
        }

        @SuppressWarnings("unchecked")
        private static boolean setsLabels(List<StageSpec> stages) {
            for (StageSpec s : stages) {
                if (s instanceof StageSpec.Plugin plugin && ((StageFactory<Object>) plugin.factory()).setsLabels(plugin.config())) return true;
                if (s instanceof StageSpec.Match m && setsLabels(m.stages())) return true;
            }
            return false;
        }

        /** A pipeline's {@code from} or {@code to}: a non-empty list of existing, distinct names. */
        private List<String> references(String path, Node node, String what, Set<String> known) {
            List<String> names = new ArrayList<>();
            if (node == null || isNull(node)) {
                problems.add(path, "required: at least one " + what + " name, e.g. [" + first(known, "my-" + what) + "]");
                return names;
            }
            if (!(node instanceof ListNode list)) {
                problems.add(path, "expected a list of " + what + " names, e.g. [" + first(known, "my-" + what) + "]");
                return names;
            }
            if (list.items().isEmpty()) problems.add(path, "at least one " + what + " is required");
            for (int i = 0; i < list.items().size(); i++) {
                String itemPath = path + "[" + i + "]";
                Node item = list.items().get(i);
                if (!(item instanceof Scalar s) || !s.isText()) {
                    if (!(item instanceof Scalar s2 && s2.value().isNull())) problems.add(itemPath, "expected an " + what + " name");
                    continue;
                }
                String name = s.text();
                if (!known.contains(name)) {
                    problems.add(itemPath, Suggestions.unknownName(what, name, known));
                } else if (names.contains(name)) {
                    problems.add(itemPath, what + " \"" + name + "\" is listed twice");
                } else {
                    names.add(name);
                }
            }
            return names;
        }

        private List<StageSpec> stages(String path, Node node) {
            List<StageSpec> specs = new ArrayList<>();
            if (node == null || isNull(node)) return specs;
            if (!(node instanceof ListNode list)) {
                problems.addBroken(path, "expected a list of stages, e.g. [json, {regex: {pattern: '...'}}]");
                return specs;
            }
            for (int i = 0; i < list.items().size(); i++) {
                StageSpec s = stage(path + "[" + i + "]", list.items().get(i));
                if (s != null) specs.add(s);
            }
            return specs;
        }

        private StageSpec stage(String path, Node item) {
            String type;
            Node options;
            if (item instanceof Scalar s && s.isText()) {
                type = s.text();
                options = null;
            } else if (item instanceof MapNode m && m.entries().size() == 1) {
                Entry only = m.entries().values().iterator().next();
                type = only.key();
                options = only.value();
            } else if (item instanceof MapNode m && m.entries().size() > 1) {
                List<String> keys = new ArrayList<>(m.entries().keySet());
                problems.addBroken(path, "a stage is one key, its type; found " + keys.size() + " keys: "
                        + String.join(", ", keys) + " (indent the options under \"" + keys.get(0) + ":\")");
                return null;
            } else {
                problems.addBroken(path, "expected a stage: a type name, or {type: {options}}");
                return null;
            }
            if (type.equals(ComponentRegistry.MATCH)) return match(path, options);
            StageFactory<?> factory = registry.stage(type).orElse(null);
            if (factory == null) {
                Set<String> known = new TreeSet<>(registry.stageTypes());
                known.add(ComponentRegistry.MATCH);
                problems.addBroken(path, Suggestions.unknownName("stage type", type, known));
                return null;
            }
            String optionsPath = path + "." + type;
            Object config = bindAndValidate(optionsPath, options == null ? null : YamlTree.toJson(options), factory);
            return config == null ? null : new StageSpec.Plugin(path, type, factory, config);
        }

        private StageSpec match(String path, Node options) {
            String matchPath = path + "." + ComponentRegistry.MATCH;
            if (!(options instanceof MapNode m)) {
                problems.addBroken(path, "match needs a \"when\" condition and \"stages\", e.g."
                        + " {match: {when: {field: level, equals: ERROR}, stages: [...]}}");
                return null;
            }
            unknownKeys(matchPath, m, MATCH_KEYS);
            Node when = m.get("when");
            if (when == null || isNull(when)) {
                problems.add(matchPath + ".when", "required: the condition, e.g. {field: level, equals: ERROR}");
            } else if (!(when instanceof MapNode)) {
                problems.add(matchPath + ".when", "expected a condition map, e.g. {field: level, equals: ERROR}");
            }
            Node nested = m.get("stages");
            if (nested == null || isNull(nested)) problems.add(matchPath + ".stages", "required: the stages for matching records");
            List<StageSpec> stages = stages(matchPath + ".stages", nested);
            if (!(when instanceof MapNode)) return null;
            Object condition = bindAndValidate(matchPath + ".when", YamlTree.toJson(when), CONDITION);
            return condition == null ? null : new StageSpec.Match(path, (ConditionConfig) condition, stages);
        }

        // ---- tests ----

        List<TestCase> tests(Node node) {
            List<TestCase> tests = new ArrayList<>();
            if (node == null || isNull(node)) return tests;
            if (!(node instanceof ListNode list)) {
                problems.add("tests", "expected a list of tests");
                return tests;
            }
            for (int i = 0; i < list.items().size(); i++) {
                String path = "tests[" + i + "]";
                Node item = list.items().get(i);
                if (!(item instanceof MapNode m)) {
                    problems.add(path, "expected a test: {name, pipeline, input, expect}");
                    continue;
                }
                unknownKeys(path, m, TEST_KEYS);
                String name = string(path + ".name", m.get("name"), false);
                String pipeline = string(path + ".pipeline", m.get("pipeline"), true);
                if (pipeline != null && !pipelineNames.contains(pipeline)) {
                    problems.add(path + ".pipeline", Suggestions.unknownName("pipeline", pipeline, pipelineNames));
                }
                String input = string(path + ".input", m.get("input"), true);
                List<Map<String, Object>> expect = expect(path + ".expect", m.get("expect"));
                if (pipeline != null && input != null && expect != null) {
                    tests.add(new TestCase(name == null ? path : name, pipeline, input, expect, m.line()));
                }
            }
            return tests;
        }

        private String string(String path, Node node, boolean required) {
            if (node == null || isNull(node)) {
                if (required) problems.add(path, "required");
                return null;
            }
            if (node instanceof Scalar s) return s.text();
            problems.add(path, "expected a string");
            return null;
        }

        @SuppressWarnings("unchecked")
        private List<Map<String, Object>> expect(String path, Node node) {
            if (node == null || isNull(node)) {
                problems.add(path, "required: the records expected out, [] for none");
                return null;
            }
            if (!(node instanceof ListNode list)) {
                problems.add(path, "expected a list of records, e.g. [{level: ERROR, message: \"...\"}]");
                return null;
            }
            List<Map<String, Object>> out = new ArrayList<>();
            boolean ok = true;
            for (int i = 0; i < list.items().size(); i++) {
                Node item = list.items().get(i);
                if (item instanceof MapNode) {
                    out.add((Map<String, Object>) YamlTree.toJava(item));
                } else {
                    problems.add(path + "[" + i + "]", "expected a record as a map, e.g. {level: ERROR}");
                    ok = false;
                }
            }
            return ok ? out : null;
        }

        // ---- helpers ----

        private void unknownKeys(String path, MapNode m, Set<String> known) {
            for (String key : m.entries().keySet()) {
                if (!known.contains(key)) {
                    problems.addBroken(path.isEmpty() ? key : path + "." + key, Suggestions.unknownKey(key, known));
                }
            }
        }

        private void checkName(String path, String name) {
            if (!NAME.matcher(name).matches()) problems.add(path, "invalid name \"" + name + "\" (" + NAME_RULE + ")");
        }

        private boolean validListen(String listen) {
            var m = LISTEN.matcher(listen);
            return m.matches() && Integer.parseInt(m.group(2)) <= 65535;
        }

        private static boolean isNull(Node n) { return n instanceof Scalar s && s.value().isNull(); }

        private static String known(Set<String> types) {
            return types.isEmpty() ? "none known" : "known: " + String.join(", ", types);
        }

        private static String first(Set<String> names, String fallback) {
            return names.isEmpty() ? fallback : names.iterator().next();
        }
    }

    private static Set<String> ordered(String... keys) { return new LinkedHashSet<>(List.of(keys)); }

    /** The {@code agent:} block as written; {@link AgentSettings} is what the loader makes of it. */
    record AgentYaml(Path dataDir, Duration shutdownTimeout, Duration checkpointInterval, Buffer buffer, Http http,
                     Log log, ExitWhen exitWhen) {
        record Buffer(ByteSize maxBytes) {}

        record Http(String listen, Boolean tap, Boolean tapAllowRemote) {}

        record Log(String format, String level) {}

        record ExitWhen(Path fileExists) {}
    }
}
