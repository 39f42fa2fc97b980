import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Removes from a fat jar the native libraries of other platforms than the one it runs on (Linux on this JVM's
 * architecture, glibc): zstd-jni, snappy-java, lz4-java and JNA carry ones for Windows, macOS, AIX, FreeBSD,
 * Solaris and a dozen Linux architectures, about 26 MB of the agent's jar that a Linux container never loads.
 * The classes stay (JNA's {@code win32} package is classes, not a library). Run by the container image's build:
 * {@code java StripNatives.java lib/outrigger.jar}; prints what it removed and kept.
 */
public final class StripNatives {

    private static final Pattern NATIVE = Pattern.compile(".*\\.(so|dll|dylib|jnilib|a)$");

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java StripNatives.java <jar>");
            System.exit(2);
        }
        Path jar = Path.of(args[0]).toAbsolutePath();
        Pattern keep = keepPattern(System.getProperty("os.arch"));
        long removedBytes = 0;
        int removed = 0;
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + jar.toUri()), Map.of())) {
            List<Path> natives;
            try (Stream<Path> all = Files.walk(zip.getPath("/"))) {
                natives = all.filter(Files::isRegularFile).filter(p -> NATIVE.matcher(p.toString()).matches()).toList();
            }
            for (Path p : natives) {
                if (keep.matcher(p.toString()).find()) {
                    System.out.println("kept    " + p);
                } else {
                    removedBytes += Files.size(p);
                    removed++;
                    Files.delete(p);
                }
            }
        }
        System.out.printf(Locale.ROOT, "removed %d native libraries of other platforms, %.1f MB uncompressed%n", removed, removedBytes / 1e6);
    }

    /** The path segments the libraries' loaders use for Linux on this architecture (glibc, not musl). */
    private static Pattern keepPattern(String arch) {
        return switch (arch) {
            // zstd-jni: linux/amd64, lz4-java: linux/amd64, snappy-java: Linux/x86_64, JNA: linux-x86-64
            case "amd64", "x86_64" -> Pattern.compile("/(linux/amd64|Linux/x86_64|linux-x86-64)/");
            case "aarch64", "arm64" -> Pattern.compile("/(linux/aarch64|Linux/aarch64|linux-aarch64)/");
            default -> throw new IllegalArgumentException("no rule for the architecture " + arch + ": add one to StripNatives");
        };
    }
}
