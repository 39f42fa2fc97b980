package io.outrigger.agent.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A validated Outrigger config file, as {@link ConfigLoader} reads it. The format:
 *
 * <pre>{@code
 * agent:
 *   data_dir: /var/lib/outrigger    # checkpoints, dead letters; default ./data
 *   shutdown_timeout: 30s           # default 30s
 *   checkpoint_interval: 1s         # default 1s
 *   buffer:
 *     max_bytes: 8MiB               # the one memory budget for records in flight; default sized from the outputs, at least 1MiB
 *   http:
 *     listen: 0.0.0.0:2020          # /metrics /healthz /readyz; host:port, "" disables; default 0.0.0.0:2020
 *   log:
 *     format: json                  # json | text; default json
 *     level: info                   # error | warn | info | debug; default info
 *   exit_when:
 *     file_exists: /var/log/app/.done   # optional: drain and exit once this file appears
 * inputs:                           # at least one; each used by some pipeline
 *   app:                            # a name: lowercase letters, digits, _ and -, starting with a letter or digit
 *     type: file                    # selects the input factory; the other keys are its options
 *     paths: ["/var/log/app/*.log"]
 * pipelines:                        # at least one
 *   app:
 *     from: [app]                   # input names, at least one
 *     stages:                       # optional; a stage is {<type>: {options}} or a bare <type>
 *       - json
 *       - regex: {pattern: '...'}
 *       - match:                    # records for which "when" holds go through the nested stages
 *           when: {field: level, equals: ERROR}
 *           stages: [ ... ]
 *     to: [console]                 # output names, at least one
 * outputs:                          # at least one; each used by some pipeline
 *   console:
 *     type: stdout
 * tests:                            # used by `outrigger test`, ignored by `run`
 *   - name: ...                     # optional, default "tests[<i>]"
 *     pipeline: app
 *     input: |                      # one record per line
 *       line one
 *     expect:                       # the records that come out, [] for none
 *       - {level: ERROR, message: "..."}
 * }</pre>
 *
 * <p>Rules the loader applies:
 * <ul>
 *   <li>Keys are snake_case. An unknown key is an error everywhere (with the nearest known key suggested), so is a
 *       duplicate key.</li>
 *   <li>Durations are written with a unit ({@code 250ms}, {@code 5s}, {@code 1m30s}, {@code 2h}); sizes with an
 *       optional unit ({@code 512}, {@code 64KiB}, {@code 32MiB}, {@code 1GB}).</li>
 *   <li>{@code ${VAR}} in a value is replaced by the environment variable {@code VAR}; {@code ${VAR:-default}} uses
 *       {@code default} when {@code VAR} is unset or empty; {@code $${} writes a literal {@code ${}. An unset
 *       variable without a default is an error. Substitution happens in values only (never in keys), after YAML
 *       parsing, so a value cannot inject YAML; a plain (unquoted) value that is exactly {@code ${VAR}} takes the
 *       type of what it expands to ({@code max_records: ${N}} is a number). The {@code tests:} block is taken
 *       literally.</li>
 *   <li>YAML anchors and aliases ({@code &a}, {@code *a}) are not supported; a file holds one YAML document.</li>
 *   <li>An input or output used by no pipeline is an error (it would silently do nothing), as is a pipeline
 *       naming an input or output that does not exist.</li>
 * </ul>
 * Every problem found is reported at once, each with its key path and line, sorted by line.
 *
 * @param source    the file as named to the loader
 * @param inputs    by name, in file order
 * @param pipelines by name, in file order
 * @param outputs   by name, in file order
 */
public record PipelineConfig(Path source, AgentSettings agent, Map<String, InputSpec> inputs,
                             Map<String, PipelineSpec> pipelines, Map<String, OutputSpec> outputs,
                             List<TestCase> tests) {

    public PipelineConfig {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(agent, "agent");
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        pipelines = Collections.unmodifiableMap(new LinkedHashMap<>(pipelines));
        outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        tests = List.copyOf(tests);
    }

    /**
     * One line for {@code outrigger validate}, e.g.
     * {@code conf/demo.yaml: 1 input (file), 1 pipeline (3 stages), 1 output (stdout): OK}; tests are counted when
     * there are any ({@code ..., 1 output (stdout), 2 tests: OK}).
     */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(source).append(": ");
        sb.append(count(inputs.size(), "input")).append(" (")
                .append(String.join(", ", new TreeSet<>(inputs.values().stream().map(InputSpec::type).toList())))
                .append("), ");
        int stages = pipelines.values().stream().mapToInt(PipelineSpec::stageCount).sum();
        sb.append(count(pipelines.size(), "pipeline")).append(" (").append(count(stages, "stage")).append("), ");
        sb.append(count(outputs.size(), "output")).append(" (")
                .append(String.join(", ", new TreeSet<>(outputs.values().stream().map(OutputSpec::type).toList())))
                .append(')');
        if (!tests.isEmpty()) sb.append(", ").append(count(tests.size(), "test"));
        return sb.append(": OK").toString();
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
