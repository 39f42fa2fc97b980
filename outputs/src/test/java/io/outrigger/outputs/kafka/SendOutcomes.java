package io.outrigger.outputs.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.outrigger.core.event.LogRecord;
import io.outrigger.core.pipeline.SendResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What the direct sender's tests read from answers and from what a {@link ScriptedBroker} stored. */
final class SendOutcomes {

    private SendOutcomes() {}

    static List<String> values(List<LogRecord> records) {
        return records.stream().map(LogRecord::message).toList();
    }

    /** Per record: "delivered", "rejected:reason" or "retryable:reason". */
    static List<String> outcomes(SendResult r, int n) {
        List<String> out = new ArrayList<>();
        if (r instanceof SendResult.PerRecord pr) {
            assertEquals(n, pr.results().size());
            for (SendResult x : pr.results()) out.add(outcome(x));
        } else {
            for (int i = 0; i < n; i++) out.add(outcome(r));
        }
        return out;
    }

    static String outcome(SendResult r) {
        return switch (r) {
            case SendResult.Delivered d -> "delivered";
            case SendResult.Rejected x -> "rejected:" + x.reason();
            case SendResult.Retryable x -> "retryable:" + x.reason();
            case SendResult.Split x -> "split:" + x.reason();
            case SendResult.PerRecord x -> throw new AssertionError("nested " + x);
        };
    }

    /** Each producer id's stored batches per partition run 0, n1, n1+n2, ... as a broker requires. */
    static void assertSequencesConsistent(List<ScriptedBroker.Received> stored) {
        Map<String, Integer> next = new HashMap<>();
        for (ScriptedBroker.Received r : stored) {
            String k = r.topic() + "/" + r.producerId() + "/" + r.partition();
            int expected = next.getOrDefault(k, 0);
            assertEquals(expected, r.baseSequence(), "base sequence of " + r);
            next.put(k, expected + r.count());
        }
    }
}
