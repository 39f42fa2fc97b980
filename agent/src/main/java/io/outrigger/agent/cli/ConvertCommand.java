package io.outrigger.agent.cli;

import io.outrigger.agent.config.ComponentRegistry;
import io.outrigger.agent.config.ConfigLoader;
import io.outrigger.agent.config.InputSpec;
import io.outrigger.agent.config.PipelineConfig;
import io.outrigger.agent.convert.PositionsImport;
import io.outrigger.agent.convert.PromtailConverter;
import io.outrigger.core.config.ConfigException;
import io.outrigger.core.config.ConfigProblem;
import io.outrigger.inputs.file.FileInputConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code outrigger convert --from promtail promtail.yaml [-o pipeline.yaml] [--allow-partial]} writes an Outrigger
 * pipeline file; {@code --positions positions.yaml [--data-dir DIR]} imports Promtail's positions into checkpoints
 * (with the inputs of the converted file, or of {@code -c pipeline.yaml}).
 * Exit codes: 0 done, 1 something had no equivalent (without {@code --allow-partial}) or the import failed,
 * 2 usage, 78 the converted file does not validate.
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert a Promtail config into an Outrigger pipeline file, and import Promtail's positions into checkpoints.")
final class ConvertCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--from", paramLabel = "FORMAT", defaultValue = "promtail", description = "The source format: promtail (the default).")
    String from;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PROMTAIL_FILE", description = "The Promtail config to convert.")
    Path source;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write the pipeline file (default: stdout).")
    Path output;

    @Option(names = "--allow-partial", description = "Write the file and exit 0 even when some settings have no equivalent (they are listed on stderr).")
    boolean allowPartial;

    @Option(names = "--positions", paramLabel = "FILE", description = "Promtail's positions file to import into checkpoints.")
    Path positions;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the checkpoints go (default: the converted file's agent.data_dir).")
    Path dataDir;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "With --positions and no PROMTAIL_FILE: the Outrigger pipeline file whose inputs read the files.")
    Path config;

    @Override public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!from.equals("promtail")) throw new CommandLine.ParameterException(spec.commandLine(), "--from takes promtail, not \"" + from + "\"");
        if (source == null && positions == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give a Promtail config to convert, or --positions to import");
        }
        List<PromtailConverter.InputPaths> inputs = null;
        Path dir = dataDir;
        if (source != null) {
            PromtailConverter.Result r;
            try {
                r = PromtailConverter.convert(Files.readString(source, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                err.println(source + ": " + e.getMessage());
                err.flush();
                return Main.EXIT_CONFIG;
            }
            for (PromtailConverter.Note n : r.notes()) err.println(source + ":" + n.line() + ": " + n.path() + ": " + n.why());
            String header = "# Converted from " + source.getFileName() + " by outrigger convert --from promtail.\n";
            String text = header + r.yaml();
            try {
                new ConfigLoader(System.getenv(), ComponentRegistry.load()).parse(text, output == null ? Path.of("converted.yaml") : output);
            } catch (ConfigException e) {
                // files (tokens, CA bundles) and variables of the Pod the agent will run in need not exist here
                List<ConfigProblem> real = e.problems().stream().filter(p -> !environmentDependent(p)).toList();
                for (ConfigProblem p : e.problems()) {
                    if (environmentDependent(p)) err.println("note: " + p + " (checked again where the agent runs)");
                }
                if (!real.isEmpty()) {
                    err.println("the converted file does not validate (" + real.size() + " problems):");
                    for (ConfigProblem p : real) err.println("  " + p);
                    err.flush();
                    return Main.EXIT_CONFIG;
                }
            }
            if (!r.notes().isEmpty() && !allowPartial) {
                err.println(r.notes().size() + (r.notes().size() == 1 ? " setting has" : " settings have")
                        + " no equivalent (listed above); nothing written. Pass --allow-partial to write the file without them.");
                err.flush();
                return 1;
            }
            if (output == null) out.print(text);
            else Files.writeString(output, text, StandardCharsets.UTF_8);
            out.flush();
            if (!r.notes().isEmpty()) err.println(r.notes().size() + (r.notes().size() == 1 ? " setting" : " settings") + " left out (listed above).");
            inputs = r.inputs();
            if (dir == null) dir = r.dataDir();
            if (positions == null && r.positionsFile() != null) {
                err.println("to go on where Promtail stopped, import its positions before the first run: outrigger convert --positions "
                        + r.positionsFile() + (output == null ? " -c <the written file>" : " -c " + output));
            }
        }
        if (positions != null) {
            if (inputs == null) {
                if (config == null) throw new CommandLine.ParameterException(spec.commandLine(), "--positions needs PROMTAIL_FILE or -c FILE (the inputs that read the files)");
                PipelineConfig loaded = new ConfigOption().loadFile(config, err);
                if (loaded == null) return Main.EXIT_CONFIG;
                inputs = new ArrayList<>();
                for (InputSpec in : loaded.inputs().values()) {
                    if (in.config() instanceof FileInputConfig f) inputs.add(new PromtailConverter.InputPaths(in.name(), f.paths(), f.exclude()));
                }
                if (dir == null) dir = loaded.agent().dataDir();
            }
            if (dir == null) throw new CommandLine.ParameterException(spec.commandLine(), "--positions needs --data-dir (the Promtail file names no positions file)");
            List<PositionsImport.Entry> report = PositionsImport.run(positions, inputs, dir);
            int imported = 0;
            for (PositionsImport.Entry e : report) {
                (e.imported() ? out : err).println((e.imported() ? "imported  " : "skipped   ") + e);
                if (e.imported()) imported++;
            }
            out.println(imported + " checkpoints written to " + dir);
            out.flush();
            err.flush();
        }
        err.flush();
        return 0;
    }

    private static boolean environmentDependent(ConfigProblem p) {
        String m = p.toString();
        return m.contains("no such file: ") || m.contains("file is not readable: ") || m.contains(" is not set (use ${");
    }
}
