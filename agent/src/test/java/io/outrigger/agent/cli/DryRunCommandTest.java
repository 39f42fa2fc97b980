package io.outrigger.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code dry-run} reads lines as {@code run} does, and {@code --inspect} shows what multiline holds and gives out. */
class DryRunCommandTest {

    @TempDir Path tmp;

    private String dryRun(String stages, byte[] input, String... options) throws Exception {
        Path cfg = Files.writeString(tmp.resolve("pipeline.yaml"), """
                inputs:
                  app:
                    type: file
                    paths: ["/var/log/app/*.log"]
                    max_line_bytes: 32
                pipelines:
                  app:
                    from: [app]
                    stages: [%s]
                    to: [out]
                outputs:
                  out:
                    type: stdout
                """.formatted(stages));
        Path sample = tmp.resolve("sample.log");
        Files.write(sample, input);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.newCommandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] args = new String[4 + 3 + options.length];
        System.arraycopy(new String[] {"dry-run", "-c", cfg.toString(), "--input", sample.toString(), "--format", "json"}, 0, args, 0, 7);
        System.arraycopy(options, 0, args, 7, options.length);
        int code = cl.execute(args);
        assertEquals(0, code, err.toString());
        return out.toString();
    }

    @Test
    void linesAreCutAndFlaggedAsTheFileInputDoes() throws Exception {
        byte[] bad = {'b', 'a', 'd', ' ', (byte) 0xFF, '\n'};
        byte[] data = ("x".repeat(100) + "\n\nshort\n").getBytes();
        byte[] all = new byte[data.length + bad.length];
        System.arraycopy(data, 0, all, 0, data.length);
        System.arraycopy(bad, 0, all, data.length, bad.length);
        String[] records = dryRun("", all).strip().split("\n");
        assertEquals(4, records.length, String.join("\n", records));
        assertTrue(records[0].contains("\"message\":\"" + "x".repeat(32) + "\"") && records[0].contains("truncated"), records[0]);
        assertTrue(records[1].contains("\"message\":\"\""), "an empty line is a line: " + records[1]);
        assertTrue(records[3].contains("invalid_utf8"), records[3]);
    }

    @Test
    void inspectShowsHeldLinesAndTheLinesEachRecordCameFrom() throws Exception {
        String input = "Exception in thread main\n\tat a.B.c(B.java:1)\n\tat a.B.d(B.java:2)\nnext line\n";
        String out = dryRun("{multiline: {preset: java}}", input.getBytes(), "--inspect");
        assertTrue(out.contains("line at offset 0: Exception in thread main\n  [0] multiline: held, waiting for continuation\n"), out);
        assertTrue(out.contains("line at offset 25: \tat a.B.c(B.java:1)\n  [0] multiline: held, waiting for continuation\n"), out);
        // the joined record shows when "next line" arrives, with the offsets of the three lines it is made of
        assertTrue(out.contains("line at offset 65: next line\n  [0] multiline: gave out the record of the lines at offsets 0..65: "
                + "Exception in thread main\\n\tat a.B.c(B.java:1)\\n\tat a.B.d(B.java:2)\n  [0] multiline: held, waiting for continuation\n"), out);
        assertTrue(out.contains("[0] multiline: gave out the record of the lines at offsets 65..75: next line"), out);
    }
}
