package io.outrigger.agent.cli;

import io.outrigger.agent.config.PipelineConfig;
import io.outrigger.agent.runtime.Agent;
import io.outrigger.agent.runtime.LogSetup;
import java.nio.file.Files;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import sun.misc.Signal;

/**
 * {@code outrigger run -c FILE}: the daemon. SIGTERM or SIGINT stops it gracefully within
 * {@code agent.shutdown_timeout} (exit 0); a second signal exits at once (exit 1) after saving the checkpoints
 * of what is acknowledged so far.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run the agent until SIGTERM or SIGINT.")
final class RunCommand implements Callable<Integer> {

    private static final System.Logger LOG = System.getLogger(RunCommand.class.getName());

    @CommandLine.Mixin ConfigOption config;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public Integer call() throws Exception {
        PipelineConfig loaded = config.load(spec.commandLine().getErr());
        if (loaded == null) return Main.EXIT_CONFIG;
        LogSetup.configure(loaded.agent().logFormat(), loaded.agent().logLevel());
        Agent agent = new Agent(loaded, System.getenv());
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicInteger signals = new AtomicInteger();
        AtomicInteger exit = new AtomicInteger(0);
        Runnable gracefulStop = () -> {
            boolean clean = agent.stop(loaded.agent().shutdownTimeout());
            LOG.log(System.Logger.Level.INFO, clean ? "stopped; everything in flight was delivered"
                    : "stopped at the shutdown deadline; undelivered records will be read again after restart");
            stopped.countDown();
        };
        sun.misc.SignalHandler handler = sig -> {
            if (signals.incrementAndGet() == 1) {
                LOG.log(System.Logger.Level.INFO, "SIG" + sig.getName() + " received: stopping (a second signal exits at once)");
                Thread.ofPlatform().name("outrigger-shutdown").start(gracefulStop);
            } else {
                LOG.log(System.Logger.Level.WARNING, "second signal: exiting now");
                agent.saveCheckpointsNow();
                Runtime.getRuntime().halt(1);
            }
        };
        Signal.handle(new Signal("TERM"), handler);
        Signal.handle(new Signal("INT"), handler);
        agent.start();
        if (loaded.agent().exitWhenFileExists() != null) {
            Thread.ofPlatform().daemon(true).name("outrigger-exit-when").start(() -> {
                try {
                    while (stopped.getCount() > 0) {
                        if (Files.exists(loaded.agent().exitWhenFileExists())) {
                            if (signals.incrementAndGet() == 1) {
                                LOG.log(System.Logger.Level.INFO, loaded.agent().exitWhenFileExists() + " exists: stopping");
                                gracefulStop.run();
                            }
                            return;
                        }
                        Thread.sleep(1000);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        stopped.await();
        return exit.get();
    }
}
