package io.outrigger.outputs.promrw;

import com.google.protobuf.CodedOutputStream;
import io.outrigger.core.event.Labels;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.MetricSample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes metric records as a remote write 1.0 {@code prometheus.WriteRequest}, by hand with protobuf's
 * {@link CodedOutputStream} (no generated code):
 * <pre>
 * message WriteRequest { repeated TimeSeries timeseries = 1; }
 * message TimeSeries  { repeated Label labels = 1; repeated Sample samples = 2; }
 * message Label       { string name = 1; string value = 2; }
 * message Sample      { double value = 1; int64 timestamp = 2; } // ms since the epoch
 * </pre>
 * Records of one series (name and labels) go into one TimeSeries, samples sorted by time; labels are sorted by name
 * with {@code __name__} among them; labels with an empty value are left out (Prometheus treats them as absent).
 */
final class WriteRequestEncoder {

    /** Why a record cannot be encoded; fixed values used as {@code Rejected} reasons. */
    static final String NOT_A_METRIC = "not_a_metric";
    static final String INVALID_SERIES = "invalid_series";

    private WriteRequestEncoder() {}

    /** What {@link #encode} made: the uncompressed request and, per input record, null or why it was left out. */
    record Encoded(byte[] bytes, int samples, String[] skipped) {}

    private record SeriesKey(String name, Labels labels) {}

    static Encoded encode(List<LogRecord> records) {
        String[] skipped = new String[records.size()];
        Map<SeriesKey, List<LogRecord>> series = new LinkedHashMap<>();
        int samples = 0;
        for (int i = 0; i < records.size(); i++) {
            LogRecord r = records.get(i);
            if (!MetricSample.isMetric(r)) {
                skipped[i] = NOT_A_METRIC;
                continue;
            }
            if (!validName(MetricSample.name(r)) || !validLabels(r.labels())) {
                skipped[i] = INVALID_SERIES;
                continue;
            }
            series.computeIfAbsent(new SeriesKey(MetricSample.name(r), r.labels()), k -> new ArrayList<>(1)).add(r);
            samples++;
        }
        if (samples == 0) return new Encoded(new byte[0], 0, skipped);
        try {
            List<byte[]> encodedSeries = new ArrayList<>(series.size());
            int total = 0;
            for (Map.Entry<SeriesKey, List<LogRecord>> e : series.entrySet()) {
                byte[] ts = timeSeries(e.getKey(), e.getValue());
                encodedSeries.add(ts);
                total += CodedOutputStream.computeByteArraySize(1, ts);
            }
            byte[] out = new byte[total];
            CodedOutputStream cos = CodedOutputStream.newInstance(out);
            for (byte[] ts : encodedSeries) cos.writeByteArray(1, ts);
            cos.checkNoSpaceLeft();
            return new Encoded(out, samples, skipped);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to an array of the computed size cannot fail
        }
    }

    private static byte[] timeSeries(SeriesKey key, List<LogRecord> records) throws IOException {
        if (records.size() > 1) records.sort((a, b) -> Long.compare(a.timeNanos(), b.timeNanos()));
        Labels labels = key.labels();
        int n = labels.size();
        // __name__ among the sorted labels: it sorts after upper-case names and before lower-case ones
        String[] names = new String[n + 1];
        String[] values = new String[n + 1];
        int at = 0;
        boolean nameDone = false;
        for (int i = 0; i < n; i++) {
            String ln = labels.name(i);
            if (ln.equals("__name__") || labels.value(i).isEmpty()) continue;
            if (!nameDone && ln.compareTo("__name__") > 0) {
                names[at] = "__name__";
                values[at++] = key.name();
                nameDone = true;
            }
            names[at] = ln;
            values[at++] = labels.value(i);
        }
        if (!nameDone) {
            names[at] = "__name__";
            values[at++] = key.name();
        }
        int size = 0;
        int[] labelSizes = new int[at];
        for (int i = 0; i < at; i++) {
            labelSizes[i] = CodedOutputStream.computeStringSize(1, names[i]) + CodedOutputStream.computeStringSize(2, values[i]);
            size += CodedOutputStream.computeTagSize(1) + CodedOutputStream.computeUInt32SizeNoTag(labelSizes[i]) + labelSizes[i];
        }
        int[] sampleSizes = new int[records.size()];
        for (int i = 0; i < records.size(); i++) {
            sampleSizes[i] = CodedOutputStream.computeDoubleSize(1, MetricSample.value(records.get(i)))
                    + CodedOutputStream.computeInt64Size(2, millis(records.get(i)));
            size += CodedOutputStream.computeTagSize(2) + CodedOutputStream.computeUInt32SizeNoTag(sampleSizes[i]) + sampleSizes[i];
        }
        byte[] out = new byte[size];
        CodedOutputStream cos = CodedOutputStream.newInstance(out);
        for (int i = 0; i < at; i++) {
            cos.writeTag(1, 2);
            cos.writeUInt32NoTag(labelSizes[i]);
            cos.writeString(1, names[i]);
            cos.writeString(2, values[i]);
        }
        for (int i = 0; i < records.size(); i++) {
            cos.writeTag(2, 2);
            cos.writeUInt32NoTag(sampleSizes[i]);
            cos.writeDouble(1, MetricSample.value(records.get(i)));
            cos.writeInt64(2, millis(records.get(i)));
        }
        cos.checkNoSpaceLeft();
        return out;
    }

    static long millis(LogRecord r) { return Math.floorDiv(r.timeNanos(), 1_000_000L); }

    static boolean validName(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (i > 0 && c >= '0' && c <= '9');
            if (!ok) return false;
        }
        return true;
    }

    private static boolean validLabels(Labels labels) {
        for (int i = 0; i < labels.size(); i++) {
            String s = labels.name(i);
            if (s.isEmpty()) return false;
            for (int j = 0; j < s.length(); j++) {
                char c = s.charAt(j);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (j > 0 && c >= '0' && c <= '9');
                if (!ok) return false;
            }
        }
        return true;
    }
}
