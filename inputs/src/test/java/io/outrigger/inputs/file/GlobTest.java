package io.outrigger.inputs.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class GlobTest {

    @Test void doubleStarMatchesZeroOrMoreDirectories() {
        Glob g = Glob.compile("/logs/**/*.log");
        assertTrue(g.matches("/logs/a.log"));
        assertTrue(g.matches("/logs/x/a.log"));
        assertTrue(g.matches("/logs/x/y/z/a.log"));
        assertFalse(g.matches("/logs/a.txt"));
        assertFalse(g.matches("/other/a.log"));
        assertEquals(Path.of("/logs"), g.base());
        assertEquals(Integer.MAX_VALUE, g.maxDepth());
    }

    @Test void singleStarStaysInOneDirectory() {
        Glob g = Glob.compile("/var/log/*/app-*.log");
        assertTrue(g.matches("/var/log/pod1/app-1.log"));
        assertFalse(g.matches("/var/log/pod1/deeper/app-1.log"));
        assertFalse(g.matches("/var/log/app-1.log"));
        assertEquals(Path.of("/var/log"), g.base());
        assertEquals(2, g.maxDepth());
    }

    @Test void trailingDoubleStarMatchesEverythingBelow() {
        Glob g = Glob.compile("/data/**");
        assertTrue(g.matches("/data/a"));
        assertTrue(g.matches("/data/a/b/c"));
        assertFalse(g.matches("/database/a"));
        assertTrue(g.lastSegmentAnyName());
    }

    @Test void classesAlternativesAndEscapes() {
        Glob g = Glob.compile("/l/{app,web}-[0-9][!a].log");
        assertTrue(g.matches("/l/app-1b.log"));
        assertTrue(g.matches("/l/web-9c.log"));
        assertFalse(g.matches("/l/web-9a.log"));
        assertFalse(g.matches("/l/db-1b.log"));
        assertTrue(Glob.compile("/l/a\\*b.log").matches("/l/a*b.log"));
        assertFalse(Glob.compile("/l/a\\*b.log").matches("/l/axb.log"));
        assertTrue(Glob.compile("/l/a+(b).log").matches("/l/a+(b).log"));
    }

    @Test void literalPathHasItsParentAsBase() {
        Glob g = Glob.compile("/var/log/app.log");
        assertEquals(Path.of("/var/log"), g.base());
        assertEquals(1, g.maxDepth());
        assertTrue(g.matches("/var/log/app.log"));
        assertFalse(g.lastSegmentAnyName());
    }

    @Test void dotSegmentsInTheLiteralPartAreNormalised() {
        Glob g = Glob.compile("/var/log/../log/./app/*.log");
        assertEquals(Path.of("/var/log/app"), g.base());
        assertTrue(g.matches("/var/log/app/x.log"));
        assertTrue(Glob.compile("/*.log").matches("/x.log"));
        assertEquals(Path.of("/"), Glob.compile("/*.log").base());
    }

    @Test void relativeExcludeMatchesTheEndOfThePath() {
        Glob gz = Glob.compileExclude("*.gz");
        assertTrue(gz.matches("/var/log/a/b.log.gz"));
        assertFalse(gz.matches("/var/log/a/b.log"));
        Glob archive = Glob.compileExclude("archive/*");
        assertTrue(archive.matches("/var/log/archive/x.log"));
        assertFalse(archive.matches("/var/log/archive2/x.log"));
    }

    @Test void badGlobsSayWhatIsWrong() {
        assertEquals("invalid glob \"/l/[ab.log\": unclosed [",
                assertThrows(IllegalArgumentException.class, () -> Glob.compile("/l/[ab.log")).getMessage());
        assertEquals("invalid glob \"/l/{a,b.log\": unclosed {",
                assertThrows(IllegalArgumentException.class, () -> Glob.compile("/l/{a,b.log")).getMessage());
        assertEquals("invalid glob \"/l/a}.log\": } without {",
                assertThrows(IllegalArgumentException.class, () -> Glob.compile("/l/a}.log")).getMessage());
    }
}
