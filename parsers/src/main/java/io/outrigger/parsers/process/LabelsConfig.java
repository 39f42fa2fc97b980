package io.outrigger.parsers.process;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code - labels: {level: "{{level}}", app: checkout}}: label name to template. A template whose referenced field
 * is missing sets no label.
 */
public record LabelsConfig(Map<String, String> labels) {

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public LabelsConfig {
        labels = labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    public LabelsConfig() { this(null); }
}
