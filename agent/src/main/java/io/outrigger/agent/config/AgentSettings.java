package io.outrigger.agent.config;

import io.outrigger.core.config.ByteSize;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code agent:} block. Null arguments take the defaults: {@code data_dir} {@code ./data},
 * {@code shutdown_timeout} 30s, {@code buffer.max_bytes} 4MiB, {@code checkpoint_interval} 1s,
 * {@code http.listen} {@code 0.0.0.0:2020} ({@code ""} disables the HTTP server), {@code log.format} json,
 * {@code log.level} info. {@code exitWhenFileExists} stays null unless {@code exit_when.file_exists} is set.
 */
public record AgentSettings(Path dataDir, Duration shutdownTimeout, ByteSize bufferMaxBytes,
                            Duration checkpointInterval, String httpListen, String logFormat, String logLevel,
                            Path exitWhenFileExists) {

    public static final Path DEFAULT_DATA_DIR = Path.of("./data");
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    /**
     * 4MiB: a few batches per output in flight plus a read ahead (a few thousand parsed records, as Filebeat's
     * 3200-event queue), and small enough to stay in the CPU's cache and the young generation's survivor space.
     * Each young collection copies the records in flight, so their bytes are its cost: measured with bench/e2e.sh
     * (tail + json -> file), 8MiB spent twice the collection time of 4MiB and 10-15% more CPU per line for no
     * more speed; 32MiB cost 20-60% more CPU (records promoted to the old generation, full collections).
     */
    public static final ByteSize DEFAULT_BUFFER_MAX_BYTES = ByteSize.ofMiB(4);
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(1);
    public static final String DEFAULT_HTTP_LISTEN = "0.0.0.0:2020";

    public AgentSettings {
        if (dataDir == null) dataDir = DEFAULT_DATA_DIR;
        if (shutdownTimeout == null) shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        if (bufferMaxBytes == null) bufferMaxBytes = DEFAULT_BUFFER_MAX_BYTES;
        if (checkpointInterval == null) checkpointInterval = DEFAULT_CHECKPOINT_INTERVAL;
        if (httpListen == null) httpListen = DEFAULT_HTTP_LISTEN;
        if (logFormat == null) logFormat = "json";
        if (logLevel == null) logLevel = "info";
    }

    /** All defaults (a config without an {@code agent:} block). */
    public static AgentSettings defaults() {
        return new AgentSettings(null, null, null, null, null, null, null, null);
    }

    /** False when {@code http.listen} is {@code ""}. */
    public boolean httpEnabled() { return !httpListen.isEmpty(); }
}
