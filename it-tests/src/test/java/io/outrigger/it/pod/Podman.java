package io.outrigger.it.pod;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The {@code podman} command, run as a process, with the settings this kind of machine needs, in a containers.conf
 * written to {@code target/} (unless {@code CONTAINERS_CONF} is set): no default ulimits (setting them fails here
 * with "Operation not permitted") and the {@code runc} runtime when installed ({@code crun} refuses a hybrid cgroup
 * layout). Where podman is missing the tests are skipped, except under CI ({@code CI=true}), where that fails them.
 */
final class Podman {

    /** A finished command: its exit code and its stdout and stderr together. */
    record Result(int exitCode, String output) {
        Result orFail(String what) {
            if (exitCode != 0) fail(what + " failed (exit " + exitCode + "):\n" + output);
            return this;
        }
    }

    private final String containersConf;
    private final Map<Process, Path> outputs = new ConcurrentHashMap<>();

    private Podman(String containersConf) {
        this.containersConf = containersConf;
    }

    /** Podman, or the test skipped (failed under CI) when it is not installed. */
    static Podman require(Path workDir) throws IOException, InterruptedException {
        String problem = null;
        try {
            Process p = new ProcessBuilder("podman", "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) problem = "podman --version failed: " + out;
        } catch (IOException e) {
            problem = "podman is not installed (Debian: apt-get install podman runc; .ci/run installs it)";
        }
        if (problem != null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) fail(problem);
            Assumptions.abort(problem);
        }
        String conf = System.getenv("CONTAINERS_CONF");
        if (conf == null || conf.isBlank()) {
            Files.createDirectories(workDir);
            Path file = workDir.resolve("containers.conf");
            StringBuilder text = new StringBuilder("[containers]\ndefault_ulimits = []\n");
            for (String runc : List.of("/usr/sbin/runc", "/usr/bin/runc")) {
                if (Files.isExecutable(Path.of(runc))) {
                    text.append("[engine]\nruntime = \"").append(runc).append("\"\n");
                    break;
                }
            }
            Files.writeString(file, text);
            conf = file.toString();
        }
        return new Podman(conf);
    }

    /** Runs {@code podman <args>} to completion within the timeout (killed after it). */
    Result run(Duration timeout, String... args) throws IOException, InterruptedException {
        Process p = start(args);
        boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!done) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("podman " + String.join(" ", args) + " did not finish within " + timeout + ":\n" + readOutput(p));
        }
        return new Result(p.exitValue(), readOutput(p));
    }

    Result run(String... args) throws IOException, InterruptedException {
        return run(Duration.ofMinutes(2), args);
    }

    /** Starts {@code podman <args>}; its output goes to a temporary file that {@link #readOutput} reads. */
    Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("podman");
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("podman-", ".out");
        out.toFile().deleteOnExit();
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("CONTAINERS_CONF", containersConf);
        Process p = pb.start();
        outputs.put(p, out);
        return p;
    }

    String readOutput(Process p) throws IOException {
        Path out = outputs.remove(p);
        if (out == null) return "";
        try {
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The environment a script that calls podman needs (the same containers.conf). */
    String containersConf() { return containersConf; }

    boolean imageExists(String image) throws IOException, InterruptedException {
        return run("image", "exists", image).exitCode() == 0;
    }

    /** An image's label, or "" when the image or the label is missing. */
    String imageLabel(String image, String label) throws IOException, InterruptedException {
        Result r = run("image", "inspect", "--format", "{{index .Labels \"" + label + "\"}}", image);
        return r.exitCode() == 0 ? r.output().strip().replace("<no value>", "") : "";
    }

    /** {@code podman inspect --format <format> <container>}, trimmed; "" when the container is gone. */
    String inspect(String container, String format) throws IOException, InterruptedException {
        Result r = run("container", "inspect", "--format", format, container);
        return r.exitCode() == 0 ? r.output().strip() : "";
    }
}
