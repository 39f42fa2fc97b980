package io.outrigger.outputs.loki;

import io.outrigger.core.pipeline.Reason;
import io.outrigger.core.pipeline.SendResult;
import io.outrigger.outputs.common.HttpResponses;
import java.io.IOException;
import java.time.InstantSource;

/**
 * Classifies Loki's answer to one push. Loki (2.9) answers:
 * <ul>
 * <li>204 on success (also for duplicates, which it stores once) -> Delivered;</li>
 * <li>400 with a plain-text reason naming one refused entry (timestamp too old/new, line too long, bad labels).
 *     Loki stores the valid entries of a push that mixes good and bad ones, so a 400 is never retried as is:
 *     Split(bad_request, Loki's message), and the shared sender halves the push down to the refused entries;</li>
 * <li>401/403 (no org id, bad credentials, a gateway refusing): Retryable(auth), as for every output: an
 *     operator's problem fixed outside the agent, which must not drop the data meanwhile;</li>
 * <li>404 (a wrong URL path, a gateway route missing): Retryable(not_found), for the same reason;</li>
 * <li>413 -> Split(too_large); 429 -> Retryable(rate_limited, Retry-After when given: Loki gives none);</li>
 * <li>408 and 5xx -> Retryable(server_error); other 4xx -> Rejected(bad_request);</li>
 * <li>no answer: Retryable(tls), Retryable(timeout) or Retryable(connection).</li>
 * </ul>
 */
final class LokiResponseClassifier {

    static final int MAX_DETAIL_CHARS = 1024;

    private final InstantSource clock;

    LokiResponseClassifier(InstantSource clock) { this.clock = clock; }

    SendResult classify(int status, String body, String retryAfter) {
        if (HttpResponses.isSuccess(status)) return SendResult.DELIVERED;
        String detail = HttpResponses.detail(status, body, MAX_DETAIL_CHARS);
        return switch (status) {
            case 400 -> new SendResult.Split(Reason.BAD_REQUEST, detail);
            case 401, 403 -> new SendResult.Retryable(Reason.AUTH, detail);
            case 404 -> new SendResult.Retryable(Reason.NOT_FOUND, detail);
            case 413 -> new SendResult.Split(Reason.TOO_LARGE, detail);
            case 429 -> new SendResult.Retryable(Reason.RATE_LIMITED, detail, HttpResponses.retryAfter(retryAfter, clock));
            case 408 -> new SendResult.Retryable(Reason.SERVER_ERROR, detail);
            default -> status >= 500
                    ? new SendResult.Retryable(Reason.SERVER_ERROR, detail)
                    : new SendResult.Rejected(Reason.BAD_REQUEST, detail);
        };
    }

    static SendResult classifyFailure(IOException e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (HttpResponses.isTls(e)) return new SendResult.Retryable(Reason.TLS, "TLS: " + msg);
        return HttpResponses.isTimeout(e)
                ? new SendResult.Retryable(Reason.TIMEOUT, "timeout: " + msg)
                : new SendResult.Retryable(Reason.CONNECTION, "connection failed: " + msg);
    }
}
