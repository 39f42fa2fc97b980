package io.outrigger.agent.cli;

import io.outrigger.agent.aot.Training;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code outrigger aot-train} (hidden): runs {@link Training}, the training workload for the JVM's AOT cache.
 * Exit 0 when every line was delivered, 1 otherwise.
 */
@Command(name = "aot-train", hidden = true, mixinStandardHelpOptions = true,
        description = "Run a short sample workload through the agent (the training run for a JVM AOT cache).")
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--dir", paramLabel = "DIR", description = "Where to make the temporary work directory (default: the system's temp dir).")
    Path dir;

    @Option(names = "--lines", defaultValue = "20000", paramLabel = "N", description = "Lines per sample file (default: ${DEFAULT-VALUE}).")
    int lines;

    @Option(names = "--timeout", defaultValue = "60", paramLabel = "SECONDS", description = "Give up after this long (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--keep", description = "Keep the work directory (samples, outputs, checkpoints) instead of deleting it.")
    boolean keep;

    @Option(names = "--kafka", description = "Also start a kafka output (KafkaProducer) and have it try to send, to a loopback port where no broker listens.")
    boolean kafka;

    @Option(names = "--elasticsearch", description = "Also send the JSON sample through an elasticsearch output, to a stand-in bulk API on loopback.")
    boolean elasticsearch;

    @Option(names = "--loki", description = "Also send the JSON sample through a loki output, to a stand-in push API on loopback.")
    boolean loki;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (lines < 1 || timeoutSeconds < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--lines and --timeout must be positive");
        }
        Path parent = dir == null ? Path.of(System.getProperty("java.io.tmpdir")) : dir;
        return new Training(parent, lines, Duration.ofSeconds(timeoutSeconds), keep, kafka, elasticsearch, loki).run(err) ? 0 : 1;
    }
}
