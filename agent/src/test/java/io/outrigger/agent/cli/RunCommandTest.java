package io.outrigger.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What {@code run} checks before it starts anything: the data directory and the HTTP port. */
class RunCommandTest {

    @TempDir Path tmp;

    private Path config(Path dataDir, String listen) throws Exception {
        return Files.writeString(tmp.resolve("pipeline.yaml"), """
                agent:
                  data_dir: %s
                  http:
                    listen: "%s"
                  log:
                    format: text
                inputs:
                  gen:
                    type: generator
                    count: 1
                pipelines:
                  p:
                    from: [gen]
                    to: [out]
                outputs:
                  out:
                    type: file
                    path: %s
                """.formatted(dataDir, listen, tmp.resolve("out.ndjson")));
    }

    /** Exit code, then everything written to the command's error stream and to System.err (the agent's log). */
    private static Object[] run(Path cfg) {
        StringWriter err = new StringWriter();
        PrintStream savedErr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            CommandLine cl = Main.newCommandLine();
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute("run", "-c", cfg.toString());
            return new Object[] {code, err.toString(), log.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setErr(savedErr);
        }
    }

    @Test
    void aDataDirThatIsAFileIsNamedWithItsKey() throws Exception {
        Path file = Files.writeString(tmp.resolve("data"), "not a directory");
        Object[] r = run(config(file, ""));
        assertEquals(1, r[0]);
        assertEquals("outrigger: agent.data_dir " + file + ": cannot be created: it exists and is not a directory\n", r[1]);
        Object[] under = run(config(file.resolve("sub"), ""));
        assertEquals(1, under[0]);
        assertTrue(((String) under[1]).startsWith("outrigger: agent.data_dir " + file.resolve("sub") + ": cannot be created: "),
                (String) under[1]);
    }

    @Test
    void aUsableDataDirPassesTheCheckAndKeepsNoProbe() throws Exception {
        Path dir = tmp.resolve("fresh/data");
        assertNull(DataDir.problem(dir));
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void aTakenPortIsNamedBeforeTheAgentSaysStarted() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String listen = "127.0.0.1:" + taken.getLocalPort();
            Object[] r = run(config(tmp.resolve("data"), listen));
            assertEquals(1, r[0]);
            assertTrue(((String) r[1]).startsWith("outrigger: agent.http.listen " + listen + ": cannot listen: "), (String) r[1]);
            assertTrue(((String) r[1]).contains("in use"), (String) r[1]);
            assertFalse(((String) r[2]).contains("started"), "nothing says started: " + r[2]);
        }
    }
}
