package io.outrigger.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigValuesTest {

    @ParameterizedTest
    @CsvSource({"512,512", "64KiB,65536", "1MiB,1048576", "2GiB,2147483648", "1.5MiB,1572864", "10MB,10000000", "1Ki,1024", "7 B,7"})
    void parsesSizes(String text, long bytes) {
        assertEquals(bytes, ByteSize.parse(text).bytes());
    }

    @ParameterizedTest
    @CsvSource({"500ms,500", "30s,30000", "1m30s,90000", "2h,7200000", "0,0", "1.5s,1500"})
    void parsesDurations(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), Durations.parse(text));
    }

    @Test
    void badValuesSayWhatIsAccepted() {
        var size = assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("12 parsecs"));
        assertEquals("invalid size \"12 parsecs\" (expected a number with an optional unit: B, KiB, MiB, GiB, KB, MB, GB)", size.getMessage());
        var dur = assertThrows(IllegalArgumentException.class, () -> Durations.parse("5 sec"));
        assertTrue(dur.getMessage().startsWith("invalid duration \"5 sec\""));
    }

    @Test
    void formatsRoundTrip() {
        assertEquals("32MiB", ByteSize.ofMiB(32).toString());
        assertEquals("30s", Durations.format(Duration.ofSeconds(30)));
        assertEquals("250ms", Durations.format(Duration.ofMillis(250)));
    }

    @Test
    void secretsAreMasked() {
        Secret s = Secret.of("hunter2");
        assertEquals("******", s.toString());
        assertEquals("hunter2", s.reveal());
    }

    @Test
    void problemsRenderPathLineAndMessage() {
        ConfigProblem p = new ConfigProblem("read_from", "\"middle\" is not one of head, tail").under("inputs.app").atLine(9);
        assertEquals("inputs.app.read_from (line 9): \"middle\" is not one of head, tail", p.toString());
        assertEquals("outputs.es.hosts[0]", new ConfigProblem("[0]", "x").under("outputs.es.hosts").path());
    }
}
