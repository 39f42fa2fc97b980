package io.outrigger.parsers.process;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code - fields: {rename: {msg: message_text}, copy: {level: severity}, add: {env: prod, n: 1}, remove: [pid]}},
 * applied in that order: rename, copy, add, remove. {@code add} values keep their YAML type (number, boolean);
 * a text value may be a template ({@code "{{host}}:{{port}}"}), and one with a missing field adds nothing.
 * {@code copy} sources may be dotted paths into nested objects or {@code message}.
 */
public record FieldsConfig(Map<String, Object> add, Map<String, String> rename, List<String> remove,
                           Map<String, String> copy) {
    public FieldsConfig {
        add = add == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(add));
        rename = rename == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rename));
        remove = remove == null ? List.of() : List.copyOf(remove);
        copy = copy == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(copy));
    }

    public FieldsConfig() { this(null, null, null, null); }
}
