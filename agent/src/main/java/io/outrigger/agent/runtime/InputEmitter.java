package io.outrigger.agent.runtime;

import io.outrigger.core.delivery.MemoryBudget;
import io.outrigger.core.delivery.OutputRunner;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.pipeline.Emitter;
import io.outrigger.core.telemetry.Metrics;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import java.util.ArrayList;
import java.util.List;

/**
 * What one input emits into: the chains of every pipeline it feeds, then the outputs of each. Records are taken
 * from the memory budget here, after the stages (so the budget counts what is really queued), and the call blocks
 * while the budget is used up: the backpressure that slows the reader.
 *
 * <p>Acknowledgement counting: a record fed to {@code p} pipelines gets {@code p-1} extra holds; one leaving a
 * pipeline for {@code m} outputs gets {@code m-1}; each output, or a drop, releases one.
 */
final class InputEmitter implements Emitter {

    /** One pipeline as this input feeds it. */
    record Route(StageChain chain, List<OutputRunner> outputs, List<LogRecord> collected,
                 CounterDataPoint in, CounterDataPoint out) {}

    private final String input;
    private final List<Route> routes;
    private final MemoryBudget budget;

    InputEmitter(String input, List<Route> routes, MemoryBudget budget) {
        this.input = input;
        this.routes = routes;
        this.budget = budget;
        for (Route r : routes) r.chain().sinkTo(r.collected()::add);
    }

    static Route route(StageChain chain, List<OutputRunner> outputs, Metrics metrics) {
        String p = chain.pipeline();
        return new Route(chain, outputs, new ArrayList<>(),
                metrics.counter("outrigger_pipeline_records_in_total", "Records that entered a pipeline", "pipeline").labelValues(p),
                metrics.counter("outrigger_pipeline_records_out_total", "Records a pipeline passed to its outputs", "pipeline").labelValues(p));
    }

    String input() { return input; }

    @Override public synchronized void emit(List<LogRecord> records) throws InterruptedException {
        if (records.isEmpty()) return;
        int fan = routes.size();
        for (LogRecord r : records) {
            if (fan > 1) r.finalizer().retain(fan - 1);
        }
        for (Route route : routes) {
            route.in().inc(records.size());
            for (LogRecord r : records) route.chain().process(r);
        }
        deliver();
    }

    @Override public synchronized void endOfStream(String streamId) throws InterruptedException {
        for (Route route : routes) route.chain().endOfStream(streamId);
        deliver();
    }

    synchronized void tick(long nowNanos) throws InterruptedException {
        for (Route route : routes) route.chain().tick(nowNanos);
        deliver();
    }

    /** Releases everything stages still hold (shutdown). */
    synchronized void flush() throws InterruptedException {
        for (Route route : routes) route.chain().flush();
        deliver();
    }

    private void deliver() throws InterruptedException {
        long[] routeBytes = new long[routes.size()];
        long total = 0;
        for (int i = 0; i < routes.size(); i++) {
            Route route = routes.get(i);
            route.chain().publishCounts();
            for (LogRecord r : route.collected()) routeBytes[i] += r.sizeEstimate();
            total += routeBytes[i] * route.outputs().size();
        }
        if (total == 0) return;
        try {
            budget.acquire(total);
        } catch (InterruptedException e) {
            // not queued: the records stay unacknowledged and are read again after a restart
            for (Route route : routes) route.collected().clear();
            throw e;
        }
        for (int i = 0; i < routes.size(); i++) {
            Route route = routes.get(i);
            List<LogRecord> got = route.collected();
            if (got.isEmpty()) continue;
            int m = route.outputs().size();
            for (LogRecord r : got) {
                if (m > 1) r.finalizer().retain(m - 1);
                else if (m == 0) r.finalizer().release();
            }
            List<LogRecord> batch = List.copyOf(got);
            got.clear();
            route.out().inc(batch.size());
            for (OutputRunner o : route.outputs()) o.offer(batch, routeBytes[i]);
        }
    }
}
