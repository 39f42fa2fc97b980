package io.outrigger.agent.cli;

import io.outrigger.core.event.Fields;
import io.outrigger.core.event.Flag;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.RecordJson;
import io.outrigger.core.event.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Human-readable renderings of records and of what a stage changed, for {@code dry-run} and {@code test}. */
final class RecordText {

    private RecordText() {}

    static String pretty(LogRecord r) {
        StringBuilder sb = new StringBuilder();
        sb.append("  @timestamp: ").append(r.timestamp()).append('\n');
        sb.append("  message:    ").append(r.message().replace("\n", "\n              ")).append('\n');
        if (!r.fields().isEmpty()) {
            sb.append("  fields:     ");
            appendFields(sb, r.fields());
            sb.append('\n');
        }
        if (!r.labels().isEmpty()) sb.append("  labels:     ").append(r.labels()).append('\n');
        if (r.flags() != 0) sb.append("  flags:      ").append(r.flagList().stream().map(Flag::label).toList()).append('\n');
        return sb.toString();
    }

    private static void appendFields(StringBuilder sb, Fields f) {
        for (int i = 0; i < f.size(); i++) {
            if (i > 0) sb.append(' ');
            sb.append(f.name(i)).append('=').append(RecordJson.valueToJson(f.value(i)));
        }
    }

    /** What changed from {@code before} to {@code after}, one short phrase per change. */
    static List<String> diff(LogRecord before, LogRecord after) {
        List<String> out = new ArrayList<>();
        if (before == null) {
            out.add("released a held record: " + oneLine(after.message()));
            return out;
        }
        if (!before.message().equals(after.message())) out.add("message = " + oneLine(after.message()));
        if (before.timeNanos() != after.timeNanos()) out.add("@timestamp = " + after.timestamp());
        Fields bf = before.fields();
        Fields af = after.fields();
        for (int i = 0; i < af.size(); i++) {
            Value old = bf.get(af.name(i));
            if (old == null) out.add("+ " + af.name(i) + "=" + RecordJson.valueToJson(af.value(i)));
            else if (!Objects.equals(old, af.value(i))) out.add("~ " + af.name(i) + "=" + RecordJson.valueToJson(af.value(i)));
        }
        for (int i = 0; i < bf.size(); i++) if (!af.contains(bf.name(i))) out.add("- " + bf.name(i));
        if (!before.labels().equals(after.labels())) out.add("labels = " + after.labels());
        for (Flag f : Flag.values()) if (after.has(f) && !before.has(f)) out.add("flag " + f.label());
        if (out.isEmpty()) out.add("no change");
        return out;
    }

    static String oneLine(String s) {
        String l = s.replace("\n", "\\n");
        return l.length() > 120 ? l.substring(0, 117) + "..." : l;
    }
}
