package io.outrigger.parsers;

import static io.outrigger.parsers.StageHarness.line;
import static io.outrigger.parsers.StageHarness.stage;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.outrigger.core.pipeline.Stage;
import io.outrigger.parsers.StageHarness.Collector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A 1 MiB line through every preset and a pathological pattern: one record out, no exception. */
class HugeLineTest {

    private static final String MIB = "a\\b ".repeat(1 << 18);

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "regex ; {\"preset\":\"nginx_combined\"}", "regex ; {\"preset\":\"apache_common\"}",
            "regex ; {\"preset\":\"apache_error\"}", "regex ; {\"preset\":\"syslog_rfc3164\"}",
            "regex ; {\"preset\":\"syslog_rfc5424\"}", "regex ; {\"pattern\":\"^(?<x>(a|b| |.)*)$\"}",
            "logfmt ; {}", "json ; {}", "docker ; {}", "cri ; {}",
            "redact ; {\"presets\":[\"credit_card\",\"email\",\"bearer_token\"]}",
            "redact ; {\"pattern\":\"(a|b| |.)*x\"}",
            "drop ; {\"regex\":\"^(a|b| |.)*$\"}",
            "multiline ; {\"continue_pattern\":\"^(a|b| |.)*$\"}", "multiline ; {\"preset\":\"java\"}",
            "multiline ; {\"preset\":\"python\"}", "multiline ; {\"preset\":\"go\"}"})
    void oneMebibyteLine(String type, String config) {
        Stage st = stage(type, config);
        Collector out = new Collector();
        String[] heads = {"", "<13>1 2026-11-27T05:00:00Z h a 1 - [x y=\"", "10.0.0.1 - - [27/Nov/2026:05:59:01 +0000] \"GET /",
                "a" + ".a".repeat(1 << 18) + "Exception: x"};
        for (String head : heads) st.process(line(head + MIB), out);
        st.flush(out);
        assertEquals(heads.length, out.accepted.size() + out.dropped.size());
    }
}
