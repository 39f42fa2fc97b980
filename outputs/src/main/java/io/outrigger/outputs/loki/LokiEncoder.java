package io.outrigger.outputs.loki;

import io.outrigger.core.event.Labels;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a Loki push body is made of: label sets rendered as Loki parses them, and entries grouped into streams (in
 * the order streams first appear), sorted by time within a stream (stable, so equal times keep batch order).
 * {@link LokiPushEncoder} writes them as {@code logproto.PushRequest} (Snappy) or as Loki's JSON push body.
 */
final class LokiEncoder {

    static final String PROTOBUF_TYPE = "application/x-protobuf";
    static final String JSON_TYPE = "application/json";

    private LokiEncoder() {}

    /** A stream: its label string and its entries sorted by time. */
    record Stream(String labels, List<LokiEntry> entries) {}

    /** Renders labels the way Loki parses them: {@code {app="x", env="y"}}, values escaped. */
    static String renderLabels(Labels labels) {
        StringBuilder sb = new StringBuilder(16 + labels.size() * 24);
        sb.append('{');
        for (int i = 0; i < labels.size(); i++) {
            if (i > 0) sb.append(", ");
            sb.append(labels.name(i)).append("=\"");
            appendEscaped(sb, labels.value(i));
            sb.append('"');
        }
        return sb.append('}').toString();
    }

    private static void appendEscaped(StringBuilder sb, String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c);
            }
        }
    }

    /** Groups entries by stream, first-seen order, each stream sorted by time (stable). */
    static List<Stream> group(List<LokiEntry> entries) {
        Map<String, List<LokiEntry>> byStream = new LinkedHashMap<>();
        for (LokiEntry e : entries) byStream.computeIfAbsent(e.stream(), k -> new ArrayList<>()).add(e);
        List<Stream> out = new ArrayList<>(byStream.size());
        for (Map.Entry<String, List<LokiEntry>> s : byStream.entrySet()) {
            List<LokiEntry> list = s.getValue();
            list.sort(Comparator.comparingLong(LokiEntry::timeNanos)); // List.sort is stable
            out.add(new Stream(s.getKey(), list));
        }
        return out;
    }
}
