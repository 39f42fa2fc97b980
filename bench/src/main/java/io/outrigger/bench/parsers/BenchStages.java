package io.outrigger.bench.parsers;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.config.ConfigModule;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Origin;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Finalizer;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageFactory;
import io.outrigger.core.pipeline.StageOutput;
import io.outrigger.core.telemetry.Metrics;
import java.time.InstantSource;
import java.util.Map;
import java.util.ServiceLoader;
import org.openjdk.jmh.infra.Blackhole;

/** Makes stages the way the agent does (ServiceLoader + config binding) and feeds their output to a Blackhole. */
final class BenchStages {

    static final int LINES = 1024;

    private BenchStages() {}

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Stage create(String type, String jsonConfig) {
        ObjectMapper mapper = ConfigModule.newMapper();
        for (StageFactory f : ServiceLoader.load(StageFactory.class)) {
            if (!f.type().equals(type)) continue;
            try {
                Object config = mapper.readValue(jsonConfig == null ? "{}" : jsonConfig, f.configType());
                if (!f.validate(config).isEmpty()) throw new IllegalArgumentException(f.validate(config).toString());
                ComponentContext ctx = new ComponentContext("bench", Metrics.newIsolated(), InstantSource.system(),
                        null, null, CheckpointStore.inMemory(), Map.of());
                return f.create(config, ctx);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(e);
            }
        }
        throw new IllegalArgumentException("no stage " + type);
    }

    static LogRecord[] records(String[] lines) {
        LogRecord[] out = new LogRecord[lines.length];
        long offset = 0;
        for (int i = 0; i < lines.length; i++) {
            long end = offset + lines[i].length() + 1;
            out[i] = LogRecord.of(1_795_755_600_000_000_000L, lines[i],
                    new Origin("bench", "/var/log/app.log", "1:2", offset, end), Finalizer.NONE, 0);
            offset = end;
        }
        return out;
    }

    /** Passes records to a Blackhole; set {@link #bh} before use. */
    static final class Sink implements StageOutput {
        Blackhole bh;
        long count;

        @Override public void accept(LogRecord record) {
            count++;
            bh.consume(record);
        }

        @Override public void drop(LogRecord record, String reason) { bh.consume(record); }
    }
}
