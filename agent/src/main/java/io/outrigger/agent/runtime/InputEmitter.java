package io.outrigger.agent.runtime;

import io.outrigger.core.delivery.MemoryBudget;
import io.outrigger.core.delivery.OutputRunner;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.pipeline.Emitter;
import io.outrigger.core.telemetry.Metrics;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What one input emits into: the chains of every pipeline it feeds, then the outputs of each. Records are taken
 * from the memory budget here, after the stages (so the budget counts what is really queued), and the call blocks
 * while the budget is used up: the backpressure that slows the reader.
 *
 * <p>Acknowledgement counting: a record fed to {@code p} pipelines gets {@code p-1} extra holds; one leaving a
 * pipeline for {@code m} outputs gets {@code m-1}; each output, or a drop, releases one.
 *
 * <p>Ticks: stages that keep records back (multiline joining) are ticked only while they hold some, so an idle
 * pipeline wakes nothing up: after each call that leaves a stage {@link #holding()}, {@code onHolding} asks the
 * agent for a {@link #tick} soon. A tick never blocks on the budget (it runs on the agent's one timer thread, which
 * also runs the retries that free the budget): records it cannot queue wait for the next call.
 */
final class InputEmitter implements Emitter {

    /** One pipeline as this input feeds it. */
    record Route(StageChain chain, List<OutputRunner> outputs, List<LogRecord> collected,
                 CounterDataPoint in, CounterDataPoint out) {}

    private final String input;
    private final List<Route> routes;
    private final MemoryBudget budget;
    private final InstantSource clock;
    private final Runnable onHolding;
    /** A stage held records after the last call (or records wait to be queued): ticks are due. */
    private boolean holding;

    InputEmitter(String input, List<Route> routes, MemoryBudget budget, InstantSource clock, Runnable onHolding) {
        this.input = input;
        this.routes = routes;
        this.budget = budget;
        this.clock = clock;
        this.onHolding = onHolding;
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
        // ticks stopped while nothing was held: bring the stages' clock up to now, so a record they start to hold
        // waits its full timeout from here, not from the last tick before the quiet time
        if (!holding) for (Route route : routes) route.chain().tick(LogRecord.epochNanos(clock.instant()));
        int fan = routes.size();
        for (LogRecord r : records) {
            if (fan > 1) r.finalizer().retain(fan - 1);
        }
        for (Route route : routes) {
            route.in().inc(records.size());
            for (LogRecord r : records) route.chain().process(r);
        }
        deliver(true);
        checkHolding();
    }

    @Override public synchronized void endOfStream(String streamId) throws InterruptedException {
        for (Route route : routes) route.chain().endOfStream(streamId);
        deliver(true);
        checkHolding();
    }

    /** Releases what stages held past their timeouts; returns true while ticks are still due. */
    synchronized boolean tick(long nowNanos) throws InterruptedException {
        for (Route route : routes) route.chain().tick(nowNanos);
        deliver(false);
        holding = anyHeld();
        return holding;
    }

    /** Releases everything stages still hold (shutdown). */
    synchronized void flush() throws InterruptedException {
        for (Route route : routes) route.chain().flush();
        deliver(true);
        holding = anyHeld();
    }

    synchronized boolean holding() { return holding; }

    private void checkHolding() {
        boolean was = holding;
        holding = anyHeld();
        if (holding && !was) onHolding.run();
    }

    private boolean anyHeld() {
        for (Route route : routes) {
            if (!route.collected().isEmpty() || route.chain().holding()) return true;
        }
        return false;
    }

    /** Queues what the chains gave out; {@code block} false: only if the budget has room now, else they wait. */
    private void deliver(boolean block) throws InterruptedException {
        long[] routeBytes = new long[routes.size()];
        long total = 0;
        for (int i = 0; i < routes.size(); i++) {
            Route route = routes.get(i);
            route.chain().publishCounts();
            for (LogRecord r : route.collected()) routeBytes[i] += r.sizeEstimate();
            total += routeBytes[i] * route.outputs().size();
        }
        if (total == 0) return;
        if (!block) {
            if (!budget.tryAcquire(total, 0, TimeUnit.NANOSECONDS)) return; // the next call queues them
        } else {
            try {
                budget.acquire(total);
            } catch (InterruptedException e) {
                // not queued: the records stay unacknowledged and are read again after a restart
                for (Route route : routes) route.collected().clear();
                throw e;
            }
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
