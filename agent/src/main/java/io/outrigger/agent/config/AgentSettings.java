package io.outrigger.agent.config;

import io.outrigger.core.config.BatchConfig;
import io.outrigger.core.config.ByteSize;
import io.outrigger.core.config.OutputSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;

/**
 * The {@code agent:} block. Null arguments take the defaults: {@code data_dir} {@code ./data},
 * {@code shutdown_timeout} 30s, {@code buffer.max_bytes} sized from the outputs (null here; see
 * {@link #bufferBytesFor}), {@code checkpoint_interval} 1s,
 * {@code http.listen} {@code 0.0.0.0:2020} ({@code ""} disables the HTTP server), {@code log.format} json,
 * {@code log.level} info. {@code exitWhenFileExists} stays null unless {@code exit_when.file_exists} is set.
 * {@code http.tap} (false) serves {@code /tap} for {@code outrigger tap}, to loopback clients only unless
 * {@code http.tap_allow_remote} (false).
 */
public record AgentSettings(Path dataDir, Duration shutdownTimeout, ByteSize bufferMaxBytes,
                            Duration checkpointInterval, String httpListen, String logFormat, String logLevel,
                            Path exitWhenFileExists, boolean httpTap, boolean httpTapAllowRemote) {

    /** Without the tap. */
    public AgentSettings(Path dataDir, Duration shutdownTimeout, ByteSize bufferMaxBytes, Duration checkpointInterval,
                         String httpListen, String logFormat, String logLevel, Path exitWhenFileExists) {
        this(dataDir, shutdownTimeout, bufferMaxBytes, checkpointInterval, httpListen, logFormat, logLevel,
                exitWhenFileExists, false, false);
    }

    public static final Path DEFAULT_DATA_DIR = Path.of("./data");
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    /**
     * The least record budget when {@code buffer.max_bytes} is not set: a few batches in flight plus a read ahead
     * (a few thousand parsed records, as Filebeat's 3200-event queue), small enough to stay in the CPU's cache and
     * the young generation's survivor space. Each young collection copies the records in flight, so their bytes
     * are its cost: larger budgets measured more CPU per line for no more speed (bench/README.md, "Choices
     * measured").
     */
    public static final ByteSize MIN_AUTO_BUFFER = ByteSize.ofMiB(4);
    /** The most an unset budget grows to for outputs with large batches (see {@link #bufferBytesFor}). */
    public static final ByteSize MAX_AUTO_BUFFER = ByteSize.ofMiB(16);
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(1);
    public static final String DEFAULT_HTTP_LISTEN = "0.0.0.0:2020";

    public AgentSettings {
        if (dataDir == null) dataDir = DEFAULT_DATA_DIR;
        if (shutdownTimeout == null) shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        if (checkpointInterval == null) checkpointInterval = DEFAULT_CHECKPOINT_INTERVAL;
        if (httpListen == null) httpListen = DEFAULT_HTTP_LISTEN;
        if (logFormat == null) logFormat = "json";
        if (logLevel == null) logLevel = "info";
    }

    /** All defaults (a config without an {@code agent:} block). */
    public static AgentSettings defaults() {
        return new AgentSettings(null, null, null, null, null, null, null, null);
    }

    /**
     * The record budget in bytes: {@code buffer.max_bytes} when set; otherwise what the outputs can have in flight
     * at once (each output's {@code concurrency} times its {@code batch.max_bytes}, summed) and at least two of the
     * largest batch (one out, one filling: with room for one only, reading and sending take turns; a file output
     * with 4MiB batches ran half as fast in a 4MiB budget), within {@link #MIN_AUTO_BUFFER} and
     * {@link #MAX_AUTO_BUFFER}. A budget smaller than that would cut every batch short
     * and leave requests idle: Kafka's defaults (2 in flight of up to 4MiB) ran 20-50% slower with 4MiB than 8MiB,
     * while the file output (1 of 2MiB) is best at 4MiB.
     */
    public long bufferBytesFor(Collection<? extends OutputSettings> outputs) {
        if (bufferMaxBytes != null) return bufferMaxBytes.bytes();
        long inFlight = 0;
        long largestBatch = 0;
        for (OutputSettings o : outputs) {
            int concurrency = o.concurrency() == null ? 1 : o.concurrency();
            long batch = (o.batch() == null ? BatchConfig.DEFAULT : o.batch()).maxBytes().bytes();
            inFlight += concurrency * batch;
            largestBatch = Math.max(largestBatch, batch);
        }
        // and room to fill the next batch while one is out: a budget of one batch runs in lock step
        return Math.clamp(Math.max(inFlight, 2 * largestBatch), MIN_AUTO_BUFFER.bytes(), MAX_AUTO_BUFFER.bytes());
    }

    /** False when {@code http.listen} is {@code ""}. */
    public boolean httpEnabled() { return !httpListen.isEmpty(); }
}
