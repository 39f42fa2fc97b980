package io.outrigger.inputs.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.outrigger.core.config.ByteSize;
import io.outrigger.core.config.ConfigModule;
import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.pipeline.InputFactory;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class FileInputFactoryTest {

    private final FileInputFactory factory = new FileInputFactory();
    private final ObjectMapper mapper = ConfigModule.newMapper();

    @Test void registeredForServiceLoader() {
        boolean found = false;
        for (InputFactory<?> f : ServiceLoader.load(InputFactory.class)) {
            if (f.type().equals("file") && f instanceof FileInputFactory) found = true;
        }
        assertTrue(found);
    }

    @Test void bindsSnakeCaseKeysAndFillsDefaults() throws Exception {
        FileInputConfig c = mapper.readValue("""
                {"paths": ["/var/log/**/*.log"], "exclude": ["*.gz"], "read_from": "tail",
                 "max_line_bytes": "1MiB", "rescan_interval": "5s", "idle_flush": "500ms",
                 "max_open_files": 10, "close_idle_after": "1m", "read_buffer": "64KiB"}""", FileInputConfig.class);
        assertEquals(List.of("/var/log/**/*.log"), c.paths());
        assertEquals("tail", c.readFrom());
        assertEquals(ByteSize.ofMiB(1), c.maxLineBytes());
        assertEquals(Duration.ofMillis(500), c.idleFlush());
        assertEquals(10, c.maxOpenFiles());
        assertEquals(Duration.ofMinutes(1), c.closeIdleAfter());
        assertEquals(ByteSize.ofKiB(64), c.readBuffer());
        assertEquals(List.of(), factory.validate(c));

        FileInputConfig d = mapper.readValue("{\"paths\": [\"/x/*.log\"]}", FileInputConfig.class);
        assertEquals("head", d.readFrom());
        assertEquals(ByteSize.ofKiB(256), d.maxLineBytes());
        assertEquals(Duration.ofSeconds(10), d.rescanInterval());
        assertEquals(Duration.ofSeconds(1), d.idleFlush());
        assertEquals(256, d.maxOpenFiles());
        assertEquals(Duration.ofSeconds(30), d.closeIdleAfter());
        assertEquals(ByteSize.ofKiB(256), d.readBuffer());
        assertEquals(List.of(), d.exclude());
    }

    @Test void reportsEveryProblemWithItsKey() throws Exception {
        FileInputConfig c = mapper.readValue("""
                {"paths": ["/ok/*.log", "/bad/[x.log", ""], "exclude": ["{a"], "read_from": "middle",
                 "max_line_bytes": 4, "max_open_files": 0, "idle_flush": "1ms", "read_buffer": "1GiB"}""",
                FileInputConfig.class);
        List<String> got = factory.validate(c).stream().map(ConfigProblem::toString).toList();
        assertEquals(List.of(
                "paths[1]: invalid glob \"/bad/[x.log\": unclosed [",
                "paths[2]: must not be empty (expected a glob such as /var/log/*.log)",
                "exclude[0]: invalid glob \"{a\": unclosed {",
                "read_from: \"middle\" is not one of head, tail",
                "max_line_bytes: must be between 16B and 64MiB (got 4B)",
                "read_buffer: must be between 4KiB and 64MiB (got 1GiB)",
                "idle_flush: must be at least 10ms (got 1ms)",
                "max_open_files: must be at least 1 (got 0)"), got);
    }

    @Test void pathsAreRequired() throws Exception {
        FileInputConfig c = mapper.readValue("{}", FileInputConfig.class);
        assertEquals(List.of(new ConfigProblem("paths", "at least one glob is required, e.g. /var/log/app/*.log")),
                factory.validate(c));
    }
}
