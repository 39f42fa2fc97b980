package io.outrigger.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ConfigModuleTest {

    private static final ObjectMapper MAPPER = ConfigModule.newMapper();

    record Values(Duration maxWait, ByteSize size, Secret token, Integer maxOpenFiles) {}

    private static Values read(String json) throws JsonProcessingException {
        return MAPPER.readValue(json, Values.class);
    }

    @Test
    void typedValuesBindFromTheirTextAndNumbers() throws Exception {
        Values v = read("{\"max_wait\": \"1m30s\", \"size\": \"64KiB\", \"token\": \"hunter22\", \"max_open_files\": 5}");
        assertEquals(Duration.ofSeconds(90), v.maxWait());
        assertEquals(ByteSize.ofKiB(64), v.size());
        assertEquals("hunter22", v.token().reveal());
        assertEquals(5, v.maxOpenFiles());
        assertEquals(ByteSize.ofBytes(512), read("{\"size\": 512}").size(), "a bare number is bytes");
        assertEquals(ByteSize.ofBytes(1536), read("{\"size\": \"1.5KiB\"}").size());
        assertEquals(Duration.ZERO, read("{\"max_wait\": 0}").maxWait(), "zero needs no unit");
        assertEquals("12345", read("{\"token\": 12345}").token().reveal(), "a secret may be any scalar");
        assertNull(read("{\"max_wait\": null}").maxWait());
    }

    @Test
    void badValuesSayWhatIsExpected() {
        assertEquals("invalid duration \"5 sec\" (expected a number with a unit: ms, s, m, h, d, e.g. 500ms or 30s)",
                refused("{\"max_wait\": \"5 sec\"}"));
        assertEquals("invalid duration 10 (a duration needs a unit, e.g. 10s or 10ms)", refused("{\"max_wait\": 10}"));
        assertEquals("invalid duration 0.5 (a duration needs a unit, e.g. 0.5s or 0.5ms)", refused("{\"max_wait\": 0.5}"));
        assertEquals("invalid size \"lots\" (expected a number with an optional unit: B, KiB, MiB, GiB, KB, MB, GB)",
                refused("{\"size\": \"lots\"}"));
        assertEquals("size must not be negative: -5", refused("{\"size\": -5}"));
        MismatchedInputException list = assertThrows(MismatchedInputException.class, () -> read("{\"token\": [\"a\"]}"));
        assertEquals(Secret.class, list.getTargetType());
        assertThrows(MismatchedInputException.class, () -> read("{\"max_wait\": {\"s\": 5}}"));
        assertThrows(MismatchedInputException.class, () -> read("{\"size\": [1]}"));
    }

    /** The message a typed value's deserializer gave (Jackson's own text around it aside). */
    private static String refused(String json) {
        InvalidFormatException e = assertThrows(InvalidFormatException.class, () -> read(json));
        String m = e.getOriginalMessage();
        return m.substring(m.indexOf(": ") + 2);
    }

    @Test
    void unknownKeysAreRefused() {
        UnrecognizedPropertyException e = assertThrows(UnrecognizedPropertyException.class, () -> read("{\"max_wiat\": \"5s\"}"));
        assertEquals("max_wiat", e.getPropertyName());
    }

    @Test
    void aReaderCanHearEverySecretBound() throws Exception {
        List<String> heard = new ArrayList<>();
        Consumer<String> sink = heard::add;
        Values v = MAPPER.readerFor(Values.class).withAttribute(ConfigModule.SECRETS, sink)
                .readValue("{\"token\": \"s3cr3t-value\", \"max_wait\": \"1s\"}");
        assertEquals(List.of("s3cr3t-value"), heard);
        assertEquals("******", v.token().toString());
    }
}
