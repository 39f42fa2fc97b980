package io.outrigger.parsers.process;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code - template: {message: "{{level}} {{msg}}"}} rewrites the message (a missing field renders as empty text);
 * {@code fields: {summary: "{{method}} {{path}}"}} sets fields (one whose template references a missing field is
 * not set).
 */
public record TemplateConfig(String message, Map<String, String> fields) {
    public TemplateConfig {
        fields = fields == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public TemplateConfig() { this(null, null); }
}
