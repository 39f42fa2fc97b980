package io.outrigger.agent.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses Prometheus text and renders {@code outrigger top}'s tables. */
final class TopView {

    private TopView() {}

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})?\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** {@code name{a="x",b="y"}} -> value; label sets in a fixed order (sorted by name). */
    static Map<String, Double> parse(String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) continue;
            Matcher m = SAMPLE.matcher(line);
            if (!m.find()) continue;
            double v;
            try {
                v = Double.parseDouble(m.group(4));
            } catch (NumberFormatException e) {
                continue;
            }
            Map<String, String> labels = new TreeMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) labels.put(l.group(1), l.group(2));
            }
            out.merge(key(m.group(1), labels), v, Double::sum);
        }
        return out;
    }

    static String key(String name, Map<String, String> labels) {
        StringBuilder sb = new StringBuilder(name).append('{');
        labels.forEach((k, v) -> sb.append(k).append('=').append(v).append(','));
        return sb.append('}').toString();
    }

    /** The sum over samples of {@code name} whose labels include {@code want}. */
    static double sum(Map<String, Double> s, String name, Map<String, String> want) {
        double total = 0;
        for (Map.Entry<String, Double> e : s.entrySet()) {
            if (!e.getKey().startsWith(name + "{")) continue;
            boolean ok = true;
            for (Map.Entry<String, String> w : want.entrySet()) {
                if (!e.getKey().contains(w.getKey() + "=" + w.getValue() + ",")) ok = false;
            }
            if (ok) total += e.getValue();
        }
        return total;
    }

    /** Values of label {@code label} seen on metric {@code name}. */
    static TreeSet<String> values(Map<String, Double> s, String name, String label) {
        TreeSet<String> out = new TreeSet<>();
        Pattern p = Pattern.compile("[{,]" + label + "=([^,]*),");
        for (String k : s.keySet()) {
            if (!k.startsWith(name + "{")) continue;
            Matcher m = p.matcher(k);
            if (m.find()) out.add(m.group(1));
        }
        return out;
    }

    static String render(Map<String, Double> now, Map<String, Double> before, double seconds, String url) {
        StringBuilder sb = new StringBuilder();
        sb.append("outrigger top: ").append(url).append(before == null ? "  (rates from the next refresh)" : "").append('\n');
        double used = sum(now, "outrigger_buffer_bytes_used", Map.of());
        double max = sum(now, "outrigger_buffer_bytes_max", Map.of());
        sb.append(String.format(Locale.ROOT, "buffer: %s of %s (%.0f%%), inputs blocked %.1fs in all%n%n",
                bytes(used), bytes(max), max == 0 ? 0 : 100 * used / max, sum(now, "outrigger_buffer_blocked_seconds_total", Map.of())));

        sb.append(String.format(Locale.ROOT, "%-24s %12s %12s %12s %8s%n", "INPUT", "lines/s", "bytes behind", "lines", "files"));
        for (String in : values(now, "outrigger_input_lines_read_total", "input")) {
            Map<String, String> w = Map.of("input", in);
            sb.append(String.format(Locale.ROOT, "%-24s %12s %12s %12.0f %8.0f%n", in,
                    rate(now, before, seconds, "outrigger_input_lines_read_total", w),
                    bytes(sum(now, "outrigger_input_bytes_behind", w)), sum(now, "outrigger_input_lines_read_total", w),
                    sum(now, "outrigger_input_files_open", w)));
        }
        sb.append('\n').append(String.format(Locale.ROOT, "%-24s %-16s %12s %12s %12s %10s%n", "PIPELINE", "STAGE", "in/s", "in", "out", "dropped"));
        for (String p : values(now, "outrigger_stage_records_in_total", "pipeline")) {
            TreeSet<String> stages = new TreeSet<>((a, b) -> {
                int ia = Integer.parseInt(a.substring(0, a.indexOf(':')));
                int ib = Integer.parseInt(b.substring(0, b.indexOf(':')));
                return Integer.compare(ia, ib);
            });
            for (String st : values(now, "outrigger_stage_records_in_total", "stage")) {
                if (sum(now, "outrigger_stage_records_in_total", Map.of("pipeline", p, "stage", st)) > 0
                        || now.containsKey(key("outrigger_stage_records_in_total", new TreeMap<>(Map.of("pipeline", p, "stage", st))))) {
                    stages.add(st);
                }
            }
            for (String st : stages) {
                Map<String, String> w = Map.of("pipeline", p, "stage", st);
                sb.append(String.format(Locale.ROOT, "%-24s %-16s %12s %12.0f %12.0f %10.0f%n", p, st,
                        rate(now, before, seconds, "outrigger_stage_records_in_total", w),
                        sum(now, "outrigger_stage_records_in_total", w), sum(now, "outrigger_stage_records_out_total", w),
                        sum(now, "outrigger_stage_records_dropped_total", w)));
            }
        }
        sb.append('\n').append(String.format(Locale.ROOT, "%-24s %12s %12s %10s %12s %10s%n", "OUTPUT", "records/s", "sent", "retries", "dead letters", "in flight"));
        for (String o : values(now, "outrigger_output_records_sent_total", "output")) {
            Map<String, String> w = Map.of("output", o);
            sb.append(String.format(Locale.ROOT, "%-24s %12s %12.0f %10.0f %12.0f %10.0f%n", o,
                    rate(now, before, seconds, "outrigger_output_records_sent_total", w),
                    sum(now, "outrigger_output_records_sent_total", w), sum(now, "outrigger_output_retries_total", w),
                    sum(now, "outrigger_output_records_dead_lettered_total", w), sum(now, "outrigger_output_batches_in_flight", w)));
        }
        return sb.toString();
    }

    private static String rate(Map<String, Double> now, Map<String, Double> before, double seconds, String name, Map<String, String> w) {
        if (before == null || seconds <= 0) return "-";
        return String.format(Locale.ROOT, "%.1f", Math.max(0, sum(now, name, w) - sum(before, name, w)) / seconds);
    }

    private static String bytes(double b) {
        if (b >= 1 << 20) return String.format(Locale.ROOT, "%.1fMiB", b / (1 << 20));
        if (b >= 1 << 10) return String.format(Locale.ROOT, "%.1fKiB", b / (1 << 10));
        return String.format(Locale.ROOT, "%.0fB", b);
    }
}
