package io.outrigger.outputs.loki;

import io.outrigger.core.pipeline.SendResult;
import io.outrigger.outputs.common.HttpResponses;
import java.io.IOException;
import java.time.InstantSource;

/**
 * Classifies Loki's answer to one push. Loki (2.9) answers:
 * <ul>
 * <li>204 on success (also for duplicates, which it stores once) -> Delivered;</li>
 * <li>400 with a plain-text reason (timestamp too old/new, too far behind, line too long, bad labels, corrupt
 *     body). Loki stores the valid entries of a batch that mixes good and bad ones, so a 400 is never retried:
 *     Rejected("bad_request", Loki's message);</li>
 * <li>401/403 (no org id, bad credentials, a gateway refusing): Retryable("auth"). This is an operator's problem
 *     (a rotated secret, a missing tenant) that is fixed outside the agent; dead-lettering would silently drop
 *     the data while it is fixed, which a Fluent Bit or Vector user does not expect. The sender backs off, the
 *     output reports unhealthy and counts {@code outrigger_output_loki_auth_failures_total} so it is visible;
 *     {@code retry.max_attempts} bounds it for who prefers dead letters;</li>
 * <li>404 (a wrong URL path, a gateway route missing): Retryable("not_found"), for the same reason;</li>
 * <li>413 -> Rejected("too_large"); 429 -> Retryable("http_429", Retry-After when given: Loki gives none);</li>
 * <li>408 and 5xx -> Retryable("server_error"); other 4xx -> Rejected("bad_request");</li>
 * <li>no answer (refused, reset, timeout) -> Retryable("connection").</li>
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
            case 400 -> new SendResult.Rejected("bad_request", detail);
            case 401, 403 -> new SendResult.Retryable("auth", detail);
            case 404 -> new SendResult.Retryable("not_found", detail);
            case 413 -> new SendResult.Rejected("too_large", detail);
            case 429 -> new SendResult.Retryable("http_429", detail, HttpResponses.retryAfter(retryAfter, clock));
            case 408 -> new SendResult.Retryable("server_error", detail);
            default -> status >= 500
                    ? new SendResult.Retryable("server_error", detail)
                    : new SendResult.Rejected("bad_request", detail);
        };
    }

    static SendResult classifyFailure(IOException e) {
        String what = HttpResponses.isTimeout(e) ? "timeout" : "connection failed";
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new SendResult.Retryable("connection", what + ": " + msg);
    }

    static boolean isAuthFailure(SendResult r) { return r instanceof SendResult.Retryable x && x.reason().equals("auth"); }

    /** Answers that mean the output is misconfigured (or the server is): retried, but the output is unhealthy. */
    static boolean isConfigFailure(SendResult r) {
        return r instanceof SendResult.Retryable x && (x.reason().equals("auth") || x.reason().equals("not_found"));
    }
}
