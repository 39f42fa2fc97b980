package io.outrigger.parsers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.config.ConfigModule;
import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Origin;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Finalizer;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageFactory;
import io.outrigger.core.pipeline.StageOutput;
import io.outrigger.core.telemetry.Metrics;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicInteger;

/** Test helpers: make stages from JSON config like the loader does, feed lines, collect what comes out. */
public final class StageHarness {

    public static final Instant NOW = Instant.parse("2026-11-27T06:00:00Z");
    public static final long READ_TIME = NOW.getEpochSecond() * 1_000_000_000L;
    static final ObjectMapper MAPPER = ConfigModule.newMapper();

    private StageHarness() {}

    public static ComponentContext context() {
        return new ComponentContext("test", Metrics.newIsolated(), InstantSource.fixed(NOW), null, null,
                CheckpointStore.inMemory(), Map.of());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static StageFactory<Object> factory(String type) {
        for (StageFactory f : ServiceLoader.load(StageFactory.class)) {
            if (f.type().equals(type)) return f;
        }
        throw new IllegalArgumentException("no stage factory " + type);
    }

    /** Binds {@code json} (null = bare stage) to the factory's config, the way the loader does. */
    public static Object bind(StageFactory<Object> f, String json) {
        try {
            JsonNode node = json == null ? MAPPER.createObjectNode() : MAPPER.readTree(json);
            return MAPPER.treeToValue(node, f.configType());
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static List<ConfigProblem> problems(String type, String json) {
        StageFactory<Object> f = factory(type);
        return f.validate(bind(f, json));
    }

    public static Stage stage(String type, String json, ComponentContext ctx) {
        StageFactory<Object> f = factory(type);
        Object config = bind(f, json);
        assertEquals(List.of(), f.validate(config), "config problems");
        return f.create(config, ctx.withName("test"));
    }

    public static Stage stage(String type, String json) { return stage(type, json, context()); }

    public static LogRecord line(String text) { return line(text, "s1", 0, Finalizer.NONE); }

    public static LogRecord line(String text, String streamId, long offset, Finalizer f) {
        return LogRecord.of(READ_TIME, text, new Origin("test", "/var/log/app.log", streamId, offset,
                offset + text.length() + 1), f, 0);
    }

    /** Collects accepted and dropped records. */
    public static final class Collector implements StageOutput {
        public final List<LogRecord> accepted = new ArrayList<>();
        public final List<String> dropReasons = new ArrayList<>();
        public final List<LogRecord> dropped = new ArrayList<>();

        @Override public void accept(LogRecord record) { accepted.add(record); }

        @Override public void drop(LogRecord record, String reason) {
            dropped.add(record);
            dropReasons.add(reason);
        }

        public List<String> messages() { return accepted.stream().map(LogRecord::message).toList(); }
    }

    /** A finalizer that counts its releases, and checks nobody releases more than was retained. */
    public static final class CountingFinalizer implements Finalizer {
        private final AtomicInteger holders = new AtomicInteger(1);
        public final AtomicInteger releases = new AtomicInteger();

        @Override public void retain(int count) { holders.addAndGet(count); }

        @Override public void release() {
            releases.incrementAndGet();
            if (holders.decrementAndGet() < 0) throw new AssertionError("released more often than retained");
        }

        public boolean done() { return holders.get() == 0; }
    }

    public static double counter(ComponentContext ctx, String name, String... labels) {
        return ctx.metrics().counter(name, "", "pipeline", "stage").labelValues(labels).get();
    }
}
