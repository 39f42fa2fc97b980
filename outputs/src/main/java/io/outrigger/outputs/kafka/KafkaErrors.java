package io.outrigger.outputs.kafka;

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

/**
 * The one classifier of this output: what a producer callback's exception means for the record.
 * <ul>
 *   <li>{@code null}: Delivered.</li>
 *   <li>{@link TimeoutException} (metadata or delivery timeout: the broker is unreachable or slow):
 *       Retryable {@code "timeout"}.</li>
 *   <li>any other {@link RetriableException} (NotEnoughReplicas, NotLeaderOrFollower, network errors...):
 *       Retryable {@code "kafka_retriable"}.</li>
 *   <li>{@link RecordTooLargeException}, {@link RecordBatchTooLargeException}: Rejected {@code "too_large"}.</li>
 *   <li>{@link AuthorizationException} (topic, cluster...), {@link AuthenticationException} (SASL, SSL):
 *       Rejected {@code "authorization"}.</li>
 *   <li>{@link InvalidTopicException}: Rejected {@code "invalid_topic"}.</li>
 *   <li>{@link SerializationException}: Rejected {@code "serialization"}.</li>
 *   <li>{@link InvalidRecordException}, {@link InvalidTimestampException}: Rejected {@code "invalid_record"}.</li>
 *   <li>{@link IllegalStateException} (the producer was closed): Retryable {@code "closed"}.</li>
 *   <li>anything else: Retryable {@code "kafka_error"}, since losing data on an unknown error is worse than
 *       sending it again.</li>
 * </ul>
 * The detail is the exception's class and message (Kafka's messages carry no secrets).
 */
final class KafkaErrors {

    private KafkaErrors() {}

    static SendResult classify(Exception e) {
        if (e == null) return SendResult.DELIVERED;
        String detail = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (e instanceof TimeoutException) return new SendResult.Retryable("timeout", detail);
        if (e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException) {
            return new SendResult.Rejected("too_large", detail);
        }
        if (e instanceof AuthorizationException || e instanceof AuthenticationException) {
            return new SendResult.Rejected("authorization", detail);
        }
        if (e instanceof InvalidTopicException) return new SendResult.Rejected("invalid_topic", detail);
        if (e instanceof SerializationException) return new SendResult.Rejected("serialization", detail);
        if (e instanceof InvalidRecordException || e instanceof InvalidTimestampException) {
            return new SendResult.Rejected("invalid_record", detail);
        }
        if (e instanceof RetriableException) return new SendResult.Retryable("kafka_retriable", detail);
        if (e instanceof IllegalStateException) return new SendResult.Retryable("closed", detail);
        return new SendResult.Retryable("kafka_error", detail);
    }
}
