package io.outrigger.agent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code outrigger}: the command line. Exit codes: 0 ok, 1 runtime failure, 2 usage error, 78 invalid config. */
@Command(name = "outrigger", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Log and metrics forwarding agent for Kubernetes sidecars.",
        subcommands = {RunCommand.class, ValidateCommand.class, DryRunCommand.class, TestCommand.class, ConvertCommand.class, TapCommand.class, TopCommand.class, TrainCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static final int EXIT_CONFIG = 78;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("outrigger: " + ex.getMessage());
            return 1;
        });
        return cl;
    }

    @Override public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (run, validate, dry-run, test, convert, tap, top)");
    }
}
