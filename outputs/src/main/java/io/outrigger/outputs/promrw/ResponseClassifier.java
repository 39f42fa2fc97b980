package io.outrigger.outputs.promrw;

import io.outrigger.core.pipeline.Reason;
import io.outrigger.core.pipeline.SendResult;
import io.outrigger.outputs.common.HttpResponses;
import java.time.InstantSource;

/**
 * Turns a remote write answer into a {@link SendResult}: 2xx delivered; 429 and 5xx retryable (Retry-After, in
 * seconds or as an HTTP date, honoured); 401/403 retryable {@code auth} and 404 retryable {@code not_found}, as for
 * every output (a rotated secret or a wrong route is fixed outside the agent, and the data waits for it); 413
 * split; any other status rejected. Prometheus answers 400 for out-of-order,
 * duplicate and too-old samples: sending those again can never succeed, so they are rejected, not retried.
 */
final class ResponseClassifier {

    static final int MAX_DETAIL_CHARS = 512;

    private ResponseClassifier() {}

    static SendResult classify(int status, String retryAfter, String body, InstantSource clock) {
        if (HttpResponses.isSuccess(status)) return SendResult.DELIVERED;
        String detail = HttpResponses.detail(status, body, MAX_DETAIL_CHARS);
        if (status == 429) return new SendResult.Retryable(Reason.RATE_LIMITED, detail, HttpResponses.retryAfter(retryAfter, clock));
        if (status >= 500) return new SendResult.Retryable(Reason.SERVER_ERROR, detail, HttpResponses.retryAfter(retryAfter, clock));
        if (status == 413) return new SendResult.Split(Reason.TOO_LARGE, detail);
        if (status == 401 || status == 403) return new SendResult.Retryable(Reason.AUTH, detail);
        if (status == 404) return new SendResult.Retryable(Reason.NOT_FOUND, detail);
        if (status == 408) return new SendResult.Retryable(Reason.TIMEOUT, detail);
        return new SendResult.Rejected(Reason.BAD_REQUEST, detail);
    }
}
