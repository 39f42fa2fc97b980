package io.outrigger.agent.cli;

import io.outrigger.agent.config.PipelineConfig;
import io.outrigger.agent.config.PipelineSpec;
import io.outrigger.agent.runtime.SampleRunner;
import io.outrigger.core.event.Flag;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.RecordJson;
import io.outrigger.inputs.file.FileInputConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code outrigger dry-run}: sample lines through a pipeline's stages, exactly as {@code run} would process them,
 * printing each resulting record; {@code --inspect} shows what every stage changed. Ships nothing, writes nothing.
 */
@Command(name = "dry-run", mixinStandardHelpOptions = true,
        description = "Run sample lines through a pipeline's stages and print the records (ships nothing).")
final class DryRunCommand implements Callable<Integer> {

    @CommandLine.Mixin ConfigOption config;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--pipeline", paramLabel = "NAME", description = "The pipeline to run (default: the only one).")
    String pipelineName;

    @Option(names = "--input", paramLabel = "FILE", defaultValue = "-", description = "Sample lines: a file, or - for stdin (default).")
    String input;

    @Option(names = "--inspect", description = "Show what each stage changed.")
    boolean inspect;

    @Option(names = "--format", defaultValue = "pretty", paramLabel = "json|pretty", description = "How to print records (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--fail-on-error", description = "Exit 1 if any record had a parse error.")
    boolean failOnError;

    @Override public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!format.equals("json") && !format.equals("pretty")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format must be json or pretty, not \"" + format + "\"");
        }
        PipelineConfig loaded = config.load(err);
        if (loaded == null) return Main.EXIT_CONFIG;
        PipelineSpec pipeline = choosePipeline(loaded);
        byte[] data = input.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(input));
        // lines are cut as the pipeline's (first) input cuts them: its max_line_bytes and skip_empty_lines
        FileInputConfig lines = SampleRunner.lineHandling(loaded, pipeline);
        String source = input.equals("-") ? "stdin" : input;
        boolean pretty = format.equals("pretty");
        SampleRunner.Inspector inspector = !inspect ? null : new SampleRunner.Inspector() {
            private long lastOffset = -1;

            private void header(int index, LogRecord before) {
                if (index == 0 && before != null && before.origin().offset() != lastOffset) {
                    lastOffset = before.origin().offset();
                    out.println("line at offset " + lastOffset + ": " + RecordText.oneLine(before.message()));
                }
            }

            @Override public void changed(int index, String name, LogRecord before, LogRecord after) {
                header(index, before);
                out.println("  [" + index + "] " + name + ": " + String.join(", ", RecordText.diff(before, after)));
            }

            @Override public void dropped(int index, String name, LogRecord record, String reason) {
                header(index, record);
                out.println("  [" + index + "] " + name + ": dropped (" + reason + ")");
            }

            @Override public void held(int index, String name, LogRecord record) {
                header(index, record);
                out.println("  [" + index + "] " + name + ": held, waiting for continuation");
            }

            @Override public void released(int index, String name, LogRecord processing, LogRecord record) {
                header(index, processing);
                out.println("  [" + index + "] " + name + ": gave out the record of the lines at offsets " + record.origin().offset()
                        + ".." + record.origin().endOffset() + ": " + RecordText.oneLine(record.message()));
            }
        };
        if (inspect) out.println("stages of pipeline " + pipeline.name() + ":");
        List<LogRecord> records = new SampleRunner(pipeline, System.getenv(), InstantSource.system()).run(data, lines, source, inspector);
        int errors = 0;
        RecordJson json = new RecordJson();
        int n = 0;
        if (inspect) out.println();
        for (LogRecord r : records) {
            if (r.has(Flag.PARSE_ERROR) || r.has(Flag.TIMESTAMP_UNPARSED)) errors++;
            if (pretty) {
                out.println("record " + ++n + ":");
                out.print(RecordText.pretty(r));
            } else {
                StringBuilder sb = new StringBuilder();
                json.append(sb, r);
                out.println(sb);
            }
        }
        if (pretty) out.println(records.size() + " records out" + (errors > 0 ? ", " + errors + " with parse errors" : ""));
        out.flush();
        return failOnError && errors > 0 ? 1 : 0;
    }

    private PipelineSpec choosePipeline(PipelineConfig loaded) {
        if (pipelineName != null) {
            PipelineSpec p = loaded.pipelines().get(pipelineName);
            if (p == null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "no pipeline \"" + pipelineName + "\" (the config has: " + String.join(", ", loaded.pipelines().keySet()) + ")");
            }
            return p;
        }
        if (loaded.pipelines().size() != 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "the config has several pipelines; choose one with --pipeline (" + String.join(", ", loaded.pipelines().keySet()) + ")");
        }
        return loaded.pipelines().values().iterator().next();
    }
}
