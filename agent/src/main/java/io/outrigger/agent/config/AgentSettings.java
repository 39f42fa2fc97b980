package io.outrigger.agent.config;

import io.outrigger.core.config.ByteSize;
import java.nio.file.Path;
import java.time.Duration;

/** STUB until the config loader lands. */
public record AgentSettings(Path dataDir, Duration shutdownTimeout, ByteSize bufferMaxBytes, Duration checkpointInterval,
                            String httpListen, String logFormat, String logLevel, Path exitWhenFileExists) {}
