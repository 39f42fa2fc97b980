package io.outrigger.agent.http;

import io.outrigger.core.event.RecordJson;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code /readyz} reports: whether the agent is ready and each component's state, e.g. {@code inputs.app ->
 * ready}, {@code outputs.loki -> failing: connection refused}.
 */
public record Readiness(boolean ready, Map<String, String> components) {

    public Readiness {
        components = components == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(components));
    }

    /** {@code {"ready":true,"components":{"inputs.app":"ready",...}}}, components sorted by name. */
    public String toJson() {
        StringBuilder sb = new StringBuilder(64 + 48 * components.size());
        sb.append("{\"ready\":").append(ready).append(",\"components\":{");
        boolean first = true;
        for (Map.Entry<String, String> e : components.entrySet()) {
            if (!first) sb.append(',');
            first = false;
            RecordJson.appendString(sb, e.getKey());
            sb.append(':');
            RecordJson.appendString(sb, e.getValue() == null ? "" : e.getValue());
        }
        return sb.append("}}").toString();
    }
}
