package io.outrigger.agent.cli;

import io.outrigger.agent.config.PipelineConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code outrigger validate -c FILE}: exit 0 with a one-line summary, or 78 with every problem. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Load and check a pipeline file; print every problem with its key path and line.")
final class ValidateCommand implements Callable<Integer> {

    @CommandLine.Mixin ConfigOption config;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public Integer call() {
        PipelineConfig loaded = config.load(spec.commandLine().getErr());
        if (loaded == null) return Main.EXIT_CONFIG;
        spec.commandLine().getOut().println(loaded.summary());
        return 0;
    }
}
