package io.outrigger.core.pipeline;

import java.util.concurrent.CompletableFuture;

/**
 * A destination. It only encodes a batch, sends it and classifies the answer; batching, concurrency, retries,
 * dead letters and acknowledgements are the core's shared sender (see {@code io.outrigger.core.delivery}).
 *
 * <p>{@link #send} may be called concurrently up to the output's configured {@code concurrency}. It must not
 * throw for a server or network problem: it completes the future with a {@link SendResult}.
 */
public interface Output extends AutoCloseable {

    CompletableFuture<SendResult> send(Batch batch);

    /**
     * True when the output promises order (Kafka per partition, Loki per stream): the shared sender then sends no
     * new batch while one waits for its retry, and sends retries oldest first. Readiness is the sender's too,
     * from the answers: an output keeps no health flag of its own.
     */
    default boolean keepsOrder() { return false; }

    @Override default void close() {}
}
