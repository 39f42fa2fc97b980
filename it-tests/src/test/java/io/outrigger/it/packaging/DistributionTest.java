package io.outrigger.it.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The distribution archive unpacks and its own bin/outrigger validates every example in its conf/. */
class DistributionTest {

    @TempDir Path tmp;

    @Test
    void archiveValidatesEveryBundledExample() throws Exception {
        Path archive = Path.of(System.getProperty("outrigger.dist"));
        assertTrue(Files.isRegularFile(archive), "not built: " + archive);
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", tmp.toString(), "--strip-components=1")
                .inheritIO().start();
        assertEquals(0, tar.waitFor());
        Path launcher = tmp.resolve("bin/outrigger");
        assertTrue(Files.isExecutable(launcher));
        assertTrue(Files.isRegularFile(tmp.resolve("lib/outrigger.jar")));
        List<Path> examples;
        try (Stream<Path> s = Files.list(tmp.resolve("conf"))) {
            examples = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertFalse(examples.isEmpty());
        for (Path example : examples) {
            ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "validate", "-c", "conf/" + example.getFileName())
                    .directory(tmp.toFile()).redirectErrorStream(true);
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), example.getFileName() + ": " + out);
            assertTrue(out.contains("OK"), out);
        }
    }
}
