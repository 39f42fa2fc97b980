package io.outrigger.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Origin;
import io.outrigger.core.pipeline.Finalizer;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.telemetry.Metrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StageChainTest {

    @Test
    void countsRecordsPerStageAndAcknowledgesDrops() {
        Metrics metrics = Metrics.newIsolated();
        AtomicInteger released = new AtomicInteger();
        Finalizer counting = new Finalizer() {
            @Override public void retain(int count) {}
            @Override public void release() { released.incrementAndGet(); }
        };
        Stage dropOdd = (r, out) -> {
            if (r.message().length() % 2 == 1) out.drop(r, "filtered");
            else out.accept(r);
        };
        Stage upper = (r, out) -> out.accept(r.toBuilder().message(r.message().toUpperCase()).build());
        StageChain chain = new StageChain("p", List.of(dropOdd, upper), List.of("drop", "template"), metrics);
        List<LogRecord> got = new ArrayList<>();
        chain.sinkTo(got::add);
        for (String m : List.of("ab", "abc", "abcd")) chain.process(LogRecord.of(0, m, Origin.NONE, counting, 0));
        chain.publishCounts();

        assertEquals(List.of("AB", "ABCD"), got.stream().map(LogRecord::message).toList());
        assertEquals(1, released.get(), "the dropped record is acknowledged");
        String text = scrape(metrics);
        assertEquals(3.0, value(text, "outrigger_stage_records_in_total{pipeline=\"p\",stage=\"0:drop\"}"));
        assertEquals(2.0, value(text, "outrigger_stage_records_out_total{pipeline=\"p\",stage=\"0:drop\"}"));
        assertEquals(2.0, value(text, "outrigger_stage_records_in_total{pipeline=\"p\",stage=\"1:template\"}"));
        assertEquals(1.0, value(text, "outrigger_stage_records_dropped_total{pipeline=\"p\",reason=\"filtered\",stage=\"0:drop\"}"));
    }

    private static String scrape(Metrics metrics) {
        try {
            var out = new java.io.ByteArrayOutputStream();
            new io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter(false).write(out, metrics.registry().scrape());
            return out.toString(java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static double value(String text, String series) {
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) return Double.parseDouble(line.substring(series.length() + 1));
        }
        throw new AssertionError(series + " not in\n" + text);
    }
}
