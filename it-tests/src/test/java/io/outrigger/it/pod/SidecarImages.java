package io.outrigger.it.pod;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The images the Pod tests run, built with podman where no registry is reachable, each only when what it is made
 * of changed (a content hash in its tag or label), so a second run on the same machine builds nothing:
 * <ul>
 * <li>the bases, by {@code packaging/container/local-base.sh} (Debian packages and a jlinked runtime of the JDK
 *     running the tests), tagged with the JDK's version and the script's hash;</li>
 * <li>{@code localhost/outrigger:<version>}, by {@code packaging/container/Dockerfile} on those bases from the
 *     distribution archive of this build; left in podman's store to be run by hand afterwards;</li>
 * <li>the application, Debian's static busybox {@code FROM scratch} with {@code src/test/resources/pod-app}.</li>
 * </ul>
 */
final class SidecarImages {

    static final String HASH_LABEL = "io.outrigger.content-hash";

    final String sidecar;
    final String app;
    /** What was built this time, for the report (empty when all came from the store). */
    final List<String> built;

    private SidecarImages(String sidecar, String app, List<String> built) {
        this.sidecar = sidecar;
        this.app = app;
        this.built = built;
    }

    static SidecarImages build(Podman podman, Path root, Path workDir, String version) throws Exception {
        List<String> built = new java.util.ArrayList<>();
        Path javaHome = Path.of(System.getProperty("java.home"));
        assertTrue(Files.isExecutable(javaHome.resolve("bin/jlink")), "the tests' JVM is not a JDK with jlink: " + javaHome);
        Path baseScript = root.resolve("packaging/container/local-base.sh");
        String runtime = javaRuntimeVersion(javaHome).replace('+', '_');
        String baseTag = runtime + "-" + hash(List.of(baseScript)).substring(0, 12);
        String base = "localhost/outrigger-base:" + baseTag;
        String jdk = "localhost/outrigger-jdk:" + baseTag;
        if (!podman.imageExists(base) || !podman.imageExists(jdk)) {
            ProcessBuilder pb = new ProcessBuilder("sh", baseScript.toString(), baseTag).redirectErrorStream(true);
            pb.environment().put("JAVA_HOME", javaHome.toString());
            pb.environment().put("CONTAINERS_CONF", podman.containersConf());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor() == 0, "local-base.sh failed:\n" + out);
            built.add(base);
        }

        Path archive = root.resolve("packaging/target/outrigger-" + version + ".tar.gz");
        Path jar = root.resolve("agent/target/outrigger.jar");
        assertTrue(Files.isRegularFile(archive), "not built: " + archive + " (./mvnw package -pl packaging -am)");
        List<Path> inputs = new java.util.ArrayList<>(List.of(root.resolve("packaging/container/Dockerfile"),
                root.resolve("packaging/container/StripNatives.java"), root.resolve(".dockerignore"),
                root.resolve("packaging/bin/outrigger")));
        try (Stream<Path> conf = Files.walk(root.resolve("conf"))) {
            inputs.addAll(conf.filter(Files::isRegularFile).sorted().toList());
        }
        String sidecarHash = hash(inputs) + jarHash(jar) + base;
        sidecarHash = hex(sha256(sidecarHash.getBytes(StandardCharsets.UTF_8)));
        String sidecar = "localhost/outrigger:" + version;
        if (!sidecarHash.equals(podman.imageLabel(sidecar, HASH_LABEL))) {
            podman.run(Duration.ofMinutes(15), "build", "--network", "host", "-f", "packaging/container/Dockerfile",
                    "-t", sidecar, "--label", HASH_LABEL + "=" + sidecarHash,
                    "--build-arg", "BASE_IMAGE=" + base, "--build-arg", "BUILD_IMAGE=" + jdk,
                    "--build-arg", "DIST_ARCHIVE=" + root.relativize(archive), "--build-arg", "VERSION=" + version,
                    root.toString()).orFail("podman build of " + sidecar);
            built.add(sidecar);
        }

        Path appDir = workDir.resolve("pod-app");
        Files.createDirectories(appDir);
        for (String f : List.of("Containerfile", "app.sh", "run-report")) {
            try (InputStream in = SidecarImages.class.getResourceAsStream("/pod-app/" + f)) {
                Files.write(appDir.resolve(f), in.readAllBytes());
            }
        }
        Path busybox = Stream.of("/bin/busybox", "/usr/bin/busybox").map(Path::of).filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new AssertionError("no busybox: install Debian's busybox-static (.ci/run does)"));
        Files.copy(busybox, appDir.resolve("busybox"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String app = "localhost/outrigger-it-app:" + hash(List.of(appDir.resolve("Containerfile"), appDir.resolve("app.sh"),
                appDir.resolve("run-report"), appDir.resolve("busybox"))).substring(0, 12);
        if (!podman.imageExists(app)) {
            podman.run(Duration.ofMinutes(5), "build", "--network", "host", "-t", app, appDir.toString())
                    .orFail("podman build of the app image (it needs a static busybox: Debian's busybox-static)");
            built.add(app);
        }
        return new SidecarImages(sidecar, app, Collections.unmodifiableList(built));
    }

    private static String javaRuntimeVersion(Path javaHome) throws IOException {
        for (String line : Files.readAllLines(javaHome.resolve("release"))) {
            if (line.startsWith("JAVA_RUNTIME_VERSION=")) return line.substring(line.indexOf('=') + 1).replace("\"", "");
        }
        return Runtime.version().toString();
    }

    /** The files' names and contents. */
    private static String hash(List<Path> files) throws IOException {
        MessageDigest md = sha256();
        for (Path f : files) {
            md.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
            md.update(Files.readAllBytes(f));
        }
        return hex(md.digest());
    }

    /** The jar's entries (name, size, CRC), not its bytes: a rebuild of the same sources changes only timestamps. */
    private static String jarHash(Path jar) throws IOException {
        MessageDigest md = sha256();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry e : Collections.list(zip.entries())) {
                md.update((e.getName() + ' ' + e.getSize() + ' ' + e.getCrc() + '\n').getBytes(StandardCharsets.UTF_8));
            }
        }
        return hex(md.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] b) { return sha256().digest(b); }

    private static String hex(byte[] b) { return HexFormat.of().formatHex(b); }
}
