package io.outrigger.outputs.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.pipeline.Reason;
import io.outrigger.core.pipeline.SendResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;

class BulkResponseClassifierTest {

    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-11-27T05:00:00Z"));

    /** What was sent: n documents, one per record, none rejected up front. */
    private static BulkEncoder.Encoded sent(int n) {
        int[] items = new int[n];
        for (int i = 0; i < n; i++) items[i] = i;
        return new BulkEncoder.Encoded(new byte[0], items, new SendResult[n]);
    }

    @Test
    void mixedItemsAreAnsweredPerRecordWithDeterministicIds() {
        SendResult r = new BulkResponseClassifier(true, CLOCK).classifyItems(Fixtures.resource("bulk-mixed.json"), sent(5));
        List<SendResult> per = assertInstanceOf(SendResult.PerRecord.class, r).results();
        assertEquals(5, per.size());
        assertEquals(SendResult.DELIVERED, per.get(0));
        SendResult.Rejected mapping = assertInstanceOf(SendResult.Rejected.class, per.get(1));
        assertEquals("bad_request", mapping.reason().label());
        assertEquals("document_parsing_exception: [1:95] failed to parse field [status] of type [long] in document with id "
                + "'pX1a0rwhdQmKcW2W6DdZVg'. Preview of field's value: '{code=500}' (caused by illegal_argument_exception: "
                + "Cannot parse object as number)", mapping.detail());
        SendResult.Retryable throttled = assertInstanceOf(SendResult.Retryable.class, per.get(2));
        assertEquals("rate_limited", throttled.reason().label());
        assertTrue(throttled.detail().startsWith("es_rejected_execution_exception: rejected execution"), throttled.detail());
        // 409 on a deterministic create: the document is already there
        assertEquals(SendResult.DELIVERED, per.get(3));
        SendResult.Retryable unavailable = assertInstanceOf(SendResult.Retryable.class, per.get(4));
        assertEquals("server_error", unavailable.reason().label());
        assertTrue(unavailable.detail().contains("unavailable_shards_exception"), unavailable.detail());
    }

    @Test
    void conflictWithAutomaticIdsIsRejected() {
        SendResult r = new BulkResponseClassifier(false, CLOCK).classifyItems(Fixtures.resource("bulk-mixed.json"), sent(5));
        SendResult.Rejected conflict = assertInstanceOf(SendResult.Rejected.class,
                assertInstanceOf(SendResult.PerRecord.class, r).results().get(3));
        assertEquals("conflict", conflict.reason().label());
        assertTrue(conflict.detail().startsWith("version_conflict_engine_exception: "), conflict.detail());
    }

    @Test
    void noErrorsIsDelivered() {
        assertEquals(SendResult.DELIVERED, new BulkResponseClassifier(false, CLOCK).classifyItems(Fixtures.resource("bulk-ok.json"), sent(2)));
    }

    @Test
    void allItemsThrottledIsOneRetryable() {
        SendResult r = new BulkResponseClassifier(false, CLOCK).classifyItems(Fixtures.resource("bulk-all-429.json"), sent(2));
        SendResult.Retryable retry = assertInstanceOf(SendResult.Retryable.class, r);
        assertEquals("rate_limited", retry.reason().label());
        assertTrue(retry.detail().startsWith("all 2 documents, first: es_rejected_execution_exception"), retry.detail());
    }

    @Test
    void missingPipelineIsRejectedWithTheServersReason() {
        SendResult r = new BulkResponseClassifier(false, CLOCK).classifyItems(Fixtures.resource("bulk-pipeline-missing.json"), sent(1));
        SendResult.Rejected rej = assertInstanceOf(SendResult.Rejected.class,
                assertInstanceOf(SendResult.PerRecord.class, r).results().getFirst());
        assertEquals("illegal_argument_exception: pipeline with id [nope] does not exist", rej.detail());
    }

    @Test
    void upFrontRejectionsAreMergedInBatchOrder() {
        SendResult badIndex = new SendResult.Rejected(Reason.INVALID_RECORD, "no team");
        BulkEncoder.Encoded e = new BulkEncoder.Encoded(new byte[0], new int[] {0, 2}, new SendResult[] {null, badIndex, null});
        SendResult r = new BulkResponseClassifier(false, CLOCK).classifyItems(Fixtures.resource("bulk-ok.json"), e);
        assertEquals(List.of(SendResult.DELIVERED, badIndex, SendResult.DELIVERED), assertInstanceOf(SendResult.PerRecord.class, r).results());
    }

    @Test
    void itemCountMismatchOrGarbageIsRetryableBadResponse() {
        BulkResponseClassifier c = new BulkResponseClassifier(false, CLOCK);
        SendResult.Retryable mismatch = assertInstanceOf(SendResult.Retryable.class, c.classifyItems(Fixtures.resource("bulk-mixed.json"), sent(3)));
        assertEquals("server_error", mismatch.reason().label());
        assertEquals("bulk response has 5 items for 3 documents sent", mismatch.detail());
        SendResult.Retryable garbage = assertInstanceOf(SendResult.Retryable.class,
                c.classifyItems("<html>gateway</html>".getBytes(StandardCharsets.UTF_8), sent(1)));
        assertEquals("server_error", garbage.reason().label());
    }

    @Test
    void wholeRequestStatuses() {
        BulkResponseClassifier c = new BulkResponseClassifier(false, CLOCK);
        SendResult.Retryable throttled = assertInstanceOf(SendResult.Retryable.class, c.classifyStatus(429, "7", Fixtures.resource("error-429.json")));
        assertEquals("rate_limited", throttled.reason().label());
        assertEquals(Duration.ofSeconds(7), throttled.retryAfter());
        assertEquals("HTTP 429: es_rejected_execution_exception: rejected execution of coordinating operation", throttled.detail());

        SendResult.Retryable dated = assertInstanceOf(SendResult.Retryable.class,
                c.classifyStatus(503, "Fri, 27 Nov 2026 05:00:30 GMT", "Service Unavailable".getBytes(StandardCharsets.UTF_8)));
        assertEquals("server_error", dated.reason().label());
        assertEquals(Duration.ofSeconds(30), dated.retryAfter());
        assertEquals("HTTP 503: Service Unavailable", dated.detail());

        SendResult.Retryable noHeader = assertInstanceOf(SendResult.Retryable.class, c.classifyStatus(502, null, new byte[0]));
        assertNull(noHeader.retryAfter());
        assertEquals("HTTP 502: empty body", noHeader.detail());

        SendResult.Rejected bad = assertInstanceOf(SendResult.Rejected.class, c.classifyStatus(400, null, Fixtures.resource("error-newline.json")));
        assertEquals("bad_request", bad.reason().label());
        assertTrue(bad.detail().startsWith("HTTP 400: illegal_argument_exception: The bulk request must be terminated by a newline"), bad.detail());

        assertEquals("too_large", assertInstanceOf(SendResult.Split.class, c.classifyStatus(413, null, new byte[0])).reason().label());
        assertEquals("auth", assertInstanceOf(SendResult.Retryable.class, c.classifyStatus(401, null, new byte[0])).reason().label());
        assertEquals("bad_request", assertInstanceOf(SendResult.Rejected.class, c.classifyStatus(405, null, new byte[0])).reason().label());
    }

    @Test
    void retryAfterInThePastOrUnreadable() {
        BulkResponseClassifier c = new BulkResponseClassifier(false, CLOCK);
        assertEquals(Duration.ZERO, retryAfter(c, "Fri, 27 Nov 2026 04:00:00 GMT"));
        assertNull(retryAfter(c, "soon"));
        assertNull(retryAfter(c, "-5"));
    }

    private static Duration retryAfter(BulkResponseClassifier c, String header) {
        return assertInstanceOf(SendResult.Retryable.class, c.classifyStatus(429, header, new byte[0])).retryAfter();
    }
}
