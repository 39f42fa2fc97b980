package io.outrigger.parsers.process;

/**
 * {@code - sampling: {rate: 0.1}} keeps each record with probability {@code rate} (0 to 1) and drops the rest with
 * reason {@code sampled}.
 *
 * @param rate the fraction of records kept (required, 0 to 1)
 * @param seed seed of the stage's random numbers, for a repeatable choice (default: a fresh seed per start)
 */
public record SamplingConfig(Double rate, Long seed) {}
