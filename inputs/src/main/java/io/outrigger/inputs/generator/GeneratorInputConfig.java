package io.outrigger.inputs.generator;

import java.time.Duration;
import java.util.List;

/**
 * {@code type: generator}: emits sample lines, for demos and for trying a pipeline without an application (like
 * Vector's {@code demo_logs} and Fluent Bit's {@code dummy}). {@code lines} are emitted in turn, one every
 * {@code interval}; {@code count} 0 means forever.
 */
public record GeneratorInputConfig(List<String> lines, Duration interval, Long count) {

    public GeneratorInputConfig {
        if (lines == null || lines.isEmpty()) {
            lines = List.of(
                    "{\"time\":\"{{now}}\",\"level\":\"INFO\",\"logger\":\"checkout\",\"msg\":\"order placed\",\"order_id\":{{seq}},\"duration_ms\":42}",
                    "{\"time\":\"{{now}}\",\"level\":\"WARN\",\"logger\":\"payments\",\"msg\":\"slow response from provider\",\"duration_ms\":1250}",
                    "{\"time\":\"{{now}}\",\"level\":\"ERROR\",\"logger\":\"checkout\",\"msg\":\"card declined\",\"order_id\":{{seq}}}");
        } else {
            lines = List.copyOf(lines);
        }
        if (interval == null) interval = Duration.ofSeconds(1);
        if (count == null) count = 0L;
    }
}
