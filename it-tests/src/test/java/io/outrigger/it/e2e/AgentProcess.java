package io.outrigger.it.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The built agent ({@code agent/target/outrigger.jar}) run as a separate process, as users run it, so tests can
 * kill it with SIGKILL and measure its real memory.
 */
public final class AgentProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private AgentProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static Path jar() {
        Path jar = Paths.get(System.getProperty("outrigger.jar", "../agent/target/outrigger.jar")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) throw new IllegalStateException("the agent jar is not built: " + jar + " (run ./mvnw verify)");
        return jar;
    }

    public static String java() { return Paths.get(System.getProperty("java.home"), "bin", "java").toString(); }

    /** Starts {@code outrigger <args>} with a heap cap; its stdout and stderr go to {@code log}. */
    public static AgentProcess start(Path log, String heap, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx" + heap, "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED", "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new AgentProcess(p, log);
    }

    /** Runs {@code outrigger <args>} to completion and returns its exit code and output. */
    public static Result run(Path workDir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("outrigger " + args[0] + " did not finish: " + out);
        }
        return new Result(p.exitValue(), out);
    }

    public record Result(int exitCode, String output) {}

    public long pid() { return process.pid(); }

    public boolean isAlive() { return process.isAlive(); }

    /** SIGKILL: no shutdown hook, no flush, no checkpoint save. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM, then waits for the exit code. */
    public int terminate(long timeoutSeconds) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("agent did not stop within " + timeoutSeconds + "s after SIGTERM; log:\n" + logText());
        }
        return process.exitValue();
    }

    /** Resident set size in bytes, from /proc. */
    public long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
        throw new IOException("no VmRSS for " + pid());
    }

    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override public void close() throws InterruptedException {
        if (process.isAlive()) kill9();
    }
}
