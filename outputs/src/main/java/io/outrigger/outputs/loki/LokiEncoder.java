package io.outrigger.outputs.loki;

import com.google.protobuf.Timestamp;
import io.outrigger.core.event.Labels;
import io.outrigger.core.event.RecordJson;
import io.outrigger.outputs.loki.proto.LokiPush;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xerial.snappy.Snappy;

/**
 * Builds Loki push bodies: entries grouped into streams (in the order streams first appear), sorted by time within
 * a stream (stable, so equal times keep batch order), then either {@code logproto.PushRequest} compressed with raw
 * Snappy block compression, or Loki's JSON push body.
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

    static LokiPush.PushRequest pushRequest(List<Stream> streams) {
        LokiPush.PushRequest.Builder req = LokiPush.PushRequest.newBuilder();
        for (Stream s : streams) {
            LokiPush.StreamAdapter.Builder sb = req.addStreamsBuilder().setLabels(s.labels());
            for (LokiEntry e : s.entries()) {
                LokiPush.EntryAdapter.Builder eb = sb.addEntriesBuilder()
                        .setTimestamp(Timestamp.newBuilder()
                                .setSeconds(Math.floorDiv(e.timeNanos(), 1_000_000_000L))
                                .setNanos((int) Math.floorMod(e.timeNanos(), 1_000_000_000L)))
                        .setLine(e.line());
                for (LokiEntry.Pair p : e.metadata()) {
                    eb.addStructuredMetadataBuilder().setName(p.name()).setValue(p.value());
                }
            }
        }
        return req.build();
    }

    /** The protobuf body, Snappy block compressed (not framed), as Loki's distributor expects. */
    static byte[] protobufBody(List<Stream> streams) {
        try {
            return Snappy.compress(pushRequest(streams).toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("snappy compression failed", e);
        }
    }

    /** {@code {"streams":[{"stream":{...},"values":[["<ns>","line",{metadata}]]}]}}. */
    static byte[] jsonBody(List<Stream> streams, Map<String, Labels> labelsByStream) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"streams\":[");
        for (int s = 0; s < streams.size(); s++) {
            Stream stream = streams.get(s);
            if (s > 0) sb.append(',');
            sb.append("{\"stream\":{");
            Labels labels = labelsByStream.get(stream.labels());
            for (int i = 0; i < labels.size(); i++) {
                if (i > 0) sb.append(',');
                RecordJson.appendString(sb, labels.name(i));
                sb.append(':');
                RecordJson.appendString(sb, labels.value(i));
            }
            sb.append("},\"values\":[");
            for (int i = 0; i < stream.entries().size(); i++) {
                LokiEntry e = stream.entries().get(i);
                if (i > 0) sb.append(',');
                sb.append("[\"").append(e.timeNanos()).append("\",");
                RecordJson.appendString(sb, e.line());
                if (!e.metadata().isEmpty()) {
                    sb.append(",{");
                    for (int m = 0; m < e.metadata().size(); m++) {
                        if (m > 0) sb.append(',');
                        RecordJson.appendString(sb, e.metadata().get(m).name());
                        sb.append(':');
                        RecordJson.appendString(sb, e.metadata().get(m).value());
                    }
                    sb.append('}');
                }
                sb.append(']');
            }
            sb.append("]}");
        }
        sb.append("]}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
