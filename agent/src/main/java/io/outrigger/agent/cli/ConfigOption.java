package io.outrigger.agent.cli;

import io.outrigger.agent.config.ComponentRegistry;
import io.outrigger.agent.config.ConfigLoader;
import io.outrigger.agent.config.PipelineConfig;
import io.outrigger.core.config.ConfigException;
import io.outrigger.core.config.ConfigProblem;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code -c FILE} option every command shares, and loading it with every problem reported. */
final class ConfigOption {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The pipeline YAML file.")
    Path file;

    /** Loads the config, or prints every problem to {@code err} and returns null. */
    PipelineConfig load(PrintWriter err) { return loadFile(file, err); }

    /** Loads {@code file}, or prints every problem to {@code err} and returns null. */
    PipelineConfig loadFile(Path file, PrintWriter err) {
        try {
            return new ConfigLoader(System.getenv(), ComponentRegistry.load()).load(file);
        } catch (ConfigException e) {
            err.println(file + ": " + e.problems().size() + (e.problems().size() == 1 ? " problem" : " problems") + ":");
            for (ConfigProblem p : e.problems()) err.println("  " + p);
            err.flush();
            return null;
        }
    }
}
