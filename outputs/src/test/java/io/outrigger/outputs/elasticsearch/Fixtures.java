package io.outrigger.outputs.elasticsearch;

import io.outrigger.core.event.Fields;
import io.outrigger.core.event.Labels;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Origin;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;

final class Fixtures {

    static final Instant T0 = Instant.parse("2026-11-27T05:00:00.123Z");

    private Fixtures() {}

    static LogRecord record(int i, Fields fields) {
        return LogRecord.builder()
                .timestamp(T0.plusSeconds(i))
                .message("line " + i)
                .fields(fields)
                .labels(Labels.of("app", "checkout"))
                .origin(new Origin("app", "/var/log/app.log", "2049:1234", i * 100L, i * 100L + 99))
                .build();
    }

    static LogRecord record(int i) { return record(i, Fields.EMPTY); }

    static byte[] resource(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/elasticsearch/" + name)) {
            if (in == null) throw new IllegalArgumentException("no test resource elasticsearch/" + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
