package io.outrigger.outputs.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.pipeline.SendResult;
import java.util.stream.Stream;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.DisconnectException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KafkaErrorsTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(new TimeoutException("Expiring 3 record(s) for t-0: 30001 ms has passed"), "retryable", "timeout"),
                Arguments.of(new NotEnoughReplicasException("x"), "retryable", "server_error"),
                Arguments.of(new NotEnoughReplicasAfterAppendException("x"), "retryable", "server_error"),
                Arguments.of(new NotLeaderOrFollowerException("x"), "retryable", "server_error"),
                Arguments.of(new NetworkException("x"), "retryable", "server_error"),
                Arguments.of(new DisconnectException("x"), "retryable", "server_error"),
                Arguments.of(new UnknownTopicOrPartitionException("x"), "retryable", "not_found"),
                Arguments.of(new CorruptRecordException("x"), "retryable", "server_error"),
                Arguments.of(new RecordTooLargeException("x"), "rejected", "too_large"),
                Arguments.of(new RecordBatchTooLargeException("x"), "rejected", "too_large"),
                Arguments.of(new TopicAuthorizationException("x"), "retryable", "auth"),
                Arguments.of(new ClusterAuthorizationException("x"), "retryable", "auth"),
                Arguments.of(new SaslAuthenticationException("x"), "retryable", "auth"),
                Arguments.of(new SslAuthenticationException("x"), "retryable", "auth"),
                Arguments.of(new InvalidTopicException("x"), "rejected", "invalid_record"),
                Arguments.of(new SerializationException("x"), "rejected", "invalid_record"),
                Arguments.of(new InvalidRecordException("x"), "rejected", "bad_request"),
                Arguments.of(new InvalidTimestampException("x"), "rejected", "bad_request"),
                Arguments.of(new IllegalStateException("Cannot perform operation after producer has been closed"), "retryable", "closed"),
                Arguments.of(new UnknownServerException("x"), "retryable", "internal"),
                Arguments.of(new KafkaException("Producer is closed forcefully."), "retryable", "internal"));
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @MethodSource("cases")
    void classifiesEachExceptionClass(Exception e, String kind, String reason) {
        SendResult r = KafkaErrors.classify(e);
        switch (kind) {
            case "retryable" -> {
                SendResult.Retryable x = assertInstanceOf(SendResult.Retryable.class, r);
                assertEquals(reason, x.reason().label());
                assertTrue(x.detail().contains(e.getClass().getSimpleName()), x.detail());
            }
            case "rejected" -> {
                SendResult.Rejected x = assertInstanceOf(SendResult.Rejected.class, r);
                assertEquals(reason, x.reason().label());
                assertTrue(x.detail().contains(e.getClass().getSimpleName()), x.detail());
            }
            default -> throw new AssertionError(kind);
        }
    }

    @Test
    void noExceptionIsDelivered() {
        assertEquals(SendResult.DELIVERED, KafkaErrors.classify(null));
    }
}
