package io.outrigger.agent.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.agent.cli.Main;
import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.checkpoint.FileCheckpoint;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code outrigger convert}: exit codes, what is written, the positions import through {@code -c}. */
class ConvertCommandTest {

    @TempDir Path tmp;

    private record Run(int code, String out, String err) {}

    private Run run(String... args) {
        CommandLine cl = Main.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path promtail(String stages) throws Exception {
        return Files.writeString(tmp.resolve("promtail.yaml"), """
                positions:
                  filename: DIR/positions.yaml
                clients:
                  - url: http://loki:3100/loki/api/v1/push
                scrape_configs:
                  - job_name: app
                    static_configs:
                      - labels: {job: app, __path__: DIR/logs/*.log}
                    pipeline_stages:
                """.replace("DIR", tmp.toString()) + stages);
    }

    @Test void something_without_equivalent_exits_1_and_writes_nothing_unless_allow_partial() throws Exception {
        Path p = promtail("      - json: {}\n      - limit:\n          rate: 0.1\n");
        Path out = tmp.resolve("pipeline.yaml");
        Run r = run("convert", "--from", "promtail", p.toString(), "-o", out.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains(p + ":11: scrape_configs[0].pipeline_stages[1].limit: no equivalent"), r.err());
        assertTrue(r.err().contains("nothing written. Pass --allow-partial"), r.err());
        assertFalse(Files.exists(out));

        r = run("convert", "--from", "promtail", p.toString(), "-o", out.toString(), "--allow-partial");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(out).contains("- json: {}"), Files.readString(out));
        assertEquals(0, run("validate", "-c", out.toString()).code());
    }

    @Test void converted_to_stdout_and_positions_imported_with_the_written_file() throws Exception {
        Path p = promtail("      - logfmt: {}\n");
        Run r = run("convert", p.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("# Converted from promtail.yaml"), r.out());
        assertTrue(r.err().contains("import its positions before the first run"), r.err());
        Path pipeline = Files.writeString(tmp.resolve("pipeline.yaml"), r.out());

        Path logs = Files.createDirectories(tmp.resolve("logs"));
        Path log = Files.writeString(logs.resolve("app.log"), "one\ntwo\nthree\n");
        Path other = Files.writeString(tmp.resolve("other.log"), "x\n");
        Path positions = Files.writeString(tmp.resolve("positions.yaml"),
                "positions:\n  " + log + ": \"8\"\n  " + other + ": \"2\"\n");
        r = run("convert", "--positions", positions.toString(), "-c", pipeline.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("imported  " + log + ": input app continues at byte 8 of 14"), r.out());
        assertTrue(r.err().contains("skipped   " + other + ": no input reads this path"), r.err());
        List<FileCheckpoint> cps = List.copyOf(CheckpointStore.open(tmp).forInput("app"));
        assertEquals(1, cps.size());
        assertEquals(8, cps.get(0).offset());
        assertEquals(log.toString(), cps.get(0).path());
    }

    @Test void not_yaml_is_a_config_error_with_its_line() throws Exception {
        Path p = Files.writeString(tmp.resolve("bad.yaml"), "clients:\n  - url: [\n");
        Run r = run("convert", p.toString());
        assertEquals(78, r.code());
        assertTrue(r.err().contains("not valid YAML at line"), r.err());
    }
}
