package io.outrigger.outputs.kafka;

import io.outrigger.core.pipeline.Reason;
import io.outrigger.core.pipeline.SendResult;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The one classifier of this output: what a producer callback's exception means for the record.
 * <ul>
 *   <li>{@code null}: Delivered.</li>
 *   <li>{@link TimeoutException} (metadata or delivery timeout: the broker is unreachable or slow):
 *       Retryable {@code timeout}.</li>
 *   <li>{@link UnknownTopicOrPartitionException}: Retryable {@code not_found} (the topic may yet be created).</li>
 *   <li>any other {@link RetriableException} (NotEnoughReplicas, NotLeaderOrFollower, network errors...):
 *       Retryable {@code server_error}.</li>
 *   <li>{@link AuthorizationException} (topic, cluster...), {@link AuthenticationException} (SASL, SSL):
 *       Retryable {@code auth}, as every output answers 401/403: a rotated secret or a missing ACL is fixed
 *       outside the agent, and the data must wait for it, not be dead-lettered.</li>
 *   <li>{@link RecordTooLargeException}, {@link RecordBatchTooLargeException}: Rejected {@code too_large}. The
 *       producer itself splits a batch the broker answers MESSAGE_TOO_LARGE and answers this only for a record
 *       too large alone, so there is nothing left to halve.</li>
 *   <li>{@link InvalidTopicException}, {@link SerializationException}: Rejected {@code invalid_record}.</li>
 *   <li>{@link InvalidRecordException}, {@link InvalidTimestampException}: Rejected {@code bad_request}.</li>
 *   <li>{@link IllegalStateException} (the producer was closed): Retryable {@code closed}.</li>
 *   <li>anything else: Retryable {@code internal}, since losing data on an unknown error is worse than
 *       sending it again.</li>
 * </ul>
 * The detail is the exception's class and message (Kafka's messages carry no secrets).
 */
final class KafkaErrors {

    private KafkaErrors() {}

    static SendResult classify(Exception e) {
        if (e == null) return SendResult.DELIVERED;
        String detail = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (e instanceof TimeoutException) return new SendResult.Retryable(Reason.TIMEOUT, detail);
        if (e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException) {
            return new SendResult.Rejected(Reason.TOO_LARGE, detail);
        }
        if (e instanceof AuthorizationException || e instanceof AuthenticationException) {
            return new SendResult.Retryable(Reason.AUTH, detail);
        }
        if (e instanceof InvalidTopicException || e instanceof SerializationException) {
            return new SendResult.Rejected(Reason.INVALID_RECORD, detail);
        }
        if (e instanceof InvalidRecordException || e instanceof InvalidTimestampException) {
            return new SendResult.Rejected(Reason.BAD_REQUEST, detail);
        }
        if (e instanceof UnknownTopicOrPartitionException) return new SendResult.Retryable(Reason.NOT_FOUND, detail);
        if (e instanceof RetriableException) return new SendResult.Retryable(Reason.SERVER_ERROR, detail);
        if (e instanceof IllegalStateException) return new SendResult.Retryable(Reason.CLOSED, detail);
        return new SendResult.Retryable(Reason.INTERNAL, detail);
    }
}
