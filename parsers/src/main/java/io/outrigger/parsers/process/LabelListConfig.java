package io.outrigger.parsers.process;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.List;

/**
 * {@code - labeldrop: [filename, stream]} or {@code - labelallow: [app, level]}: a list of label names (Promtail's
 * stages of the same names).
 */
public record LabelListConfig(List<String> names) {
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public LabelListConfig {
        names = names == null ? List.of() : List.copyOf(names);
    }
    public LabelListConfig() { this(null); }
}
