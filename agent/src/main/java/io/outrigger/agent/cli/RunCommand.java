package io.outrigger.agent.cli;

import io.outrigger.agent.config.PipelineConfig;
import io.outrigger.agent.http.AgentHttpServer;
import io.outrigger.agent.runtime.LogSetup;
import io.outrigger.agent.runtime.Supervisor;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import sun.misc.Signal;

/**
 * {@code outrigger run -c FILE}: the daemon. SIGTERM or SIGINT stops it gracefully within
 * {@code agent.shutdown_timeout} (exit 0); a second signal exits at once (exit 1) after saving the checkpoints of
 * what is acknowledged so far. SIGHUP reloads the file: a valid new config replaces the pipelines (checkpoints
 * carry over), an invalid one, or one that cannot be started, is reported and the running config stays. Exit 1 when
 * {@code agent.data_dir} is unusable or {@code agent.http.listen} cannot be bound (both checked before anything
 * starts), or when the checkpoints could not be saved at shutdown.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run the agent until SIGTERM or SIGINT; SIGHUP reloads the config.")
final class RunCommand implements Callable<Integer> {

    private static final System.Logger LOG = System.getLogger(RunCommand.class.getName());

    @CommandLine.Mixin ConfigOption config;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public Integer call() throws Exception {
        // SIGHUP is taken first: until a handler is installed the JVM's own would end the process. One that comes
        // before the pipelines run is answered by a reload once they do (the file may have changed since it was read).
        AtomicReference<Supervisor> started = new AtomicReference<>();
        AtomicInteger signals = new AtomicInteger();
        boolean[] hupBeforeStart = {false};
        Hangup.Note hangup = Hangup.handle(sig -> {
            synchronized (hupBeforeStart) {
                if (started.get() == null) {
                    hupBeforeStart[0] = true;
                    return;
                }
            }
            Thread.ofPlatform().name("outrigger-reload").start(() -> reload(started.get(), signals));
        });
        PipelineConfig loaded = config.load(spec.commandLine().getErr());
        if (loaded == null) return Main.EXIT_CONFIG;
        LogSetup.configure(loaded.agent().logFormat(), loaded.agent().logLevel());
        if (hangup != null) hangup.log();
        String dataDirProblem = DataDir.problem(loaded.agent().dataDir());
        if (dataDirProblem != null) {
            spec.commandLine().getErr().println("outrigger: agent.data_dir " + loaded.agent().dataDir() + ": " + dataDirProblem);
            return 1;
        }
        Supervisor supervisor = new Supervisor(loaded, System.getenv());
        // the port is bound before anything starts: a port in use ends the run before it says "started"
        AgentHttpServer http = new AgentHttpServer(supervisor.registry(), () -> supervisor.agent().isAlive(), supervisor::readiness);
        if (loaded.agent().httpTap()) {
            http.serve("/tap", new io.outrigger.agent.tap.TapHandler(() -> supervisor.agent().tap(),
                    loaded.agent().httpTapAllowRemote(), () -> io.outrigger.agent.tap.TapHandler.secretsOf(supervisor.config())));
        }
        if (loaded.agent().httpEnabled()) {
            try {
                http.start(loaded.agent().httpListen());
            } catch (IOException e) {
                supervisor.stop();
                spec.commandLine().getErr().println("outrigger: agent.http.listen " + loaded.agent().httpListen() + ": cannot listen: "
                        + (e.getMessage() == null ? e : e.getMessage()));
                return 1;
            }
        }
        CountDownLatch stopped = new CountDownLatch(1);
        int[] exitCode = {0};
        Runnable gracefulStop = () -> {
            boolean clean = supervisor.stop();
            String checkpointProblem = supervisor.agent().checkpointProblem();
            if (checkpointProblem != null) {
                exitCode[0] = 1;
                LOG.log(System.Logger.Level.ERROR, "stopped, but the checkpoints could not be saved (" + checkpointProblem
                        + "): records delivered since the last saved checkpoint will be sent again after restart");
            } else {
                LOG.log(System.Logger.Level.INFO, clean ? "stopped; everything in flight was delivered"
                        : "stopped at the shutdown deadline; undelivered records will be read again after restart");
            }
            stopped.countDown();
        };
        long[] firstSignalNanos = {0};
        sun.misc.SignalHandler handler = sig -> {
            // a signal sent to the whole process group (timeout(1), a shell's Ctrl-C) can arrive twice at once:
            // only a second signal a moment after the first means "exit now"
            synchronized (firstSignalNanos) {
                if (signals.get() > 0 && System.nanoTime() - firstSignalNanos[0] < 1_000_000_000L) return;
                if (signals.get() == 0) firstSignalNanos[0] = System.nanoTime();
            }
            if (signals.incrementAndGet() == 1) {
                LOG.log(System.Logger.Level.INFO, "SIG" + sig.getName() + " received: stopping (a second signal exits at once)");
                Thread.ofPlatform().name("outrigger-shutdown").start(gracefulStop);
            } else {
                LOG.log(System.Logger.Level.WARNING, "second signal: exiting now");
                supervisor.agent().saveCheckpointsNow();
                Runtime.getRuntime().halt(1);
            }
        };
        Signal.handle(new Signal("TERM"), handler);
        Signal.handle(new Signal("INT"), handler);
        supervisor.start();
        synchronized (hupBeforeStart) {
            started.set(supervisor);
            if (hupBeforeStart[0]) Thread.ofPlatform().name("outrigger-reload").start(() -> reload(supervisor, signals));
        }
        if (loaded.agent().exitWhenFileExists() != null) {
            Thread.ofPlatform().daemon(true).name("outrigger-exit-when").start(() -> {
                try {
                    while (stopped.getCount() > 0) {
                        // not before every input has made its first pass over what is there (the file often
                        // exists at start, as with a Job's app that ended before the sidecar started)
                        if (Files.exists(loaded.agent().exitWhenFileExists()) && inputsReady(supervisor)) {
                            if (signals.incrementAndGet() == 1) {
                                LOG.log(System.Logger.Level.INFO, loaded.agent().exitWhenFileExists() + " exists: stopping");
                                gracefulStop.run();
                            }
                            return;
                        }
                        Thread.sleep(500);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        stopped.await();
        http.stop();
        return exitCode[0];
    }

    private static boolean inputsReady(Supervisor supervisor) {
        return supervisor.readiness().components().entrySet().stream()
                .filter(e -> e.getKey().startsWith("inputs.")).allMatch(e -> e.getValue().equals("ready"));
    }

    private void reload(Supervisor supervisor, AtomicInteger signals) {
        if (signals.get() > 0) { // stopping
            LOG.log(System.Logger.Level.INFO, "SIGHUP received while stopping: not reloading");
            return;
        }
        LOG.log(System.Logger.Level.INFO, "SIGHUP received: reloading the config");
        StringWriter problems = new StringWriter();
        PipelineConfig next = config.load(new PrintWriter(problems));
        if (next == null) {
            supervisor.reloadRefused("the new config is invalid");
            LOG.log(System.Logger.Level.ERROR, "SIGHUP: the new config is invalid; keeping the running one. " + problems.toString().trim());
            return;
        }
        try {
            supervisor.reload(next);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.ERROR, "SIGHUP: the new config could not be started; keeping the running one: " + e);
        }
    }

}
