package io.outrigger.inputs.file;

import io.outrigger.core.telemetry.Metrics;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import java.util.EnumMap;
import java.util.Map;

/** The file input's metrics, their label children looked up once. */
final class InputMetrics {

    /** Why a path was skipped: the fixed values of the {@code reason} label. */
    enum Reason {
        PERMISSION_DENIED("permission_denied"),
        NOT_A_FILE("not_a_file"),
        BROKEN_LINK("broken_link"),
        IO_ERROR("io_error");

        final String label;

        Reason(String label) { this.label = label; }
    }

    final CounterDataPoint linesRead;
    final CounterDataPoint bytesRead;
    final CounterDataPoint rotations;
    final CounterDataPoint truncations;
    final CounterDataPoint linesTruncated;
    final GaugeDataPoint filesOpen;
    final GaugeDataPoint lastRead;
    private final Map<Reason, CounterDataPoint> errors = new EnumMap<>(Reason.class);

    InputMetrics(Metrics metrics, String input) {
        linesRead = metrics.counter("outrigger_input_lines_read_total", "Lines read from files", "input").labelValues(input);
        bytesRead = metrics.counter("outrigger_input_bytes_read_total", "Bytes read from files", "input").labelValues(input);
        rotations = metrics.counter("outrigger_input_rotations_total",
                "Files replaced at their path by a new file (rename and create, or delete and create)", "input").labelValues(input);
        truncations = metrics.counter("outrigger_input_truncations_total",
                "Files found shorter than the read offset (copytruncate); reading restarted at 0", "input").labelValues(input);
        linesTruncated = metrics.counter("outrigger_input_lines_truncated_total",
                "Lines cut at max_line_bytes", "input").labelValues(input);
        filesOpen = metrics.gauge("outrigger_input_files_open", "Files held open", "input").labelValues(input);
        lastRead = metrics.gauge("outrigger_input_last_read_timestamp_seconds",
                "When the input last read bytes, in Unix seconds (its age is time() minus this)", "input").labelValues(input);
        Counter errorCounter = metrics.counter("outrigger_input_file_errors_total",
                "Paths matched but skipped, by reason", "input", "reason");
        for (Reason r : Reason.values()) errors.put(r, errorCounter.labelValues(input, r.label));
    }

    void error(Reason reason) { errors.get(reason).inc(); }
}
