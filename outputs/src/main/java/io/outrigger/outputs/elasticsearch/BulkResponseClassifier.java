package io.outrigger.outputs.elasticsearch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.outrigger.core.pipeline.Reason;
import io.outrigger.core.pipeline.SendResult;
import io.outrigger.outputs.common.HttpResponses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;

/**
 * Turns Elasticsearch's answers into {@link SendResult}s: the whole-request status first, then, for a 2xx bulk
 * response, every item. Item rules: 2xx delivered; 409 delivered when ids are deterministic (the document is
 * already there), else rejected {@code conflict}; 429 retryable {@code rate_limited}; 5xx retryable
 * {@code server_error}; 400 and other 4xx rejected {@code bad_request} with Elasticsearch's {@code type: reason}.
 * Thread-safe.
 */
final class BulkResponseClassifier {

    private static final JsonFactory JSON = new JsonFactory();
    private static final int MAX_DETAIL = 1000;

    private final boolean deterministic;
    private final InstantSource clock;

    BulkResponseClassifier(boolean deterministic, InstantSource clock) {
        this.deterministic = deterministic;
        this.clock = clock;
    }

    /**
     * Classifies a whole request that did not answer 2xx. 413 is {@code Split(too_large)}: the shared sender
     * halves the batch, and rejects a single document still too large.
     */
    SendResult classifyStatus(int status, String retryAfter, byte[] body) {
        String detail = "HTTP " + status + ": " + errorSummary(body);
        Duration wait = HttpResponses.retryAfter(retryAfter, clock);
        if (status == 429) return new SendResult.Retryable(Reason.RATE_LIMITED, detail, wait);
        if (status >= 500) return new SendResult.Retryable(Reason.SERVER_ERROR, detail, wait);
        return switch (status) {
            // credentials or routing are being fixed: keep the data waiting rather than dead-lettering all of it
            case 401, 403 -> new SendResult.Retryable(Reason.AUTH, detail, wait);
            case 404 -> new SendResult.Retryable(Reason.NOT_FOUND, detail, wait);
            case 408 -> new SendResult.Retryable(Reason.TIMEOUT, detail, wait);
            case 413 -> new SendResult.Split(Reason.TOO_LARGE, detail);
            default -> new SendResult.Rejected(Reason.BAD_REQUEST, detail);
        };
    }

    /**
     * Classifies a 2xx bulk response.
     *
     * @param body      the response body
     * @param encoded   what was sent: which record each item belongs to, and answers known before sending
     */
    SendResult classifyItems(byte[] body, BulkEncoder.Encoded encoded) {
        SendResult[] perRecord = encoded.upFront().clone();
        int[] items = encoded.items();
        SendResult[] itemResults;
        try {
            itemResults = parseItems(body, items.length);
        } catch (IOException | RuntimeException e) {
            return new SendResult.Retryable(Reason.SERVER_ERROR, "unreadable bulk response: " + e.getMessage());
        }
        if (itemResults == null) {
            // "errors": false: every item was accepted
            for (int r : items) perRecord[r] = SendResult.DELIVERED;
        } else {
            if (itemResults.length != items.length) {
                return new SendResult.Retryable(Reason.SERVER_ERROR,
                        "bulk response has " + itemResults.length + " items for " + items.length + " documents sent");
            }
            for (int i = 0; i < items.length; i++) perRecord[items[i]] = itemResults[i];
        }
        return summarize(perRecord);
    }

    /** Delivered when every record is; one Retryable when every record is retryable; else per record. */
    static SendResult summarize(SendResult[] perRecord) {
        boolean allDelivered = true;
        boolean allRetryable = perRecord.length > 0;
        for (SendResult r : perRecord) {
            if (!(r instanceof SendResult.Delivered)) allDelivered = false;
            if (!(r instanceof SendResult.Retryable)) allRetryable = false;
        }
        if (allDelivered) return SendResult.DELIVERED;
        if (allRetryable) {
            SendResult.Retryable first = (SendResult.Retryable) perRecord[0];
            String detail = perRecord.length == 1 ? first.detail()
                    : "all " + perRecord.length + " documents, first: " + first.detail();
            return new SendResult.Retryable(first.reason(), detail, first.retryAfter());
        }
        return new SendResult.PerRecord(Arrays.asList(perRecord));
    }

    /** The items' results, or null when the response says {@code "errors": false}. */
    private SendResult[] parseItems(byte[] body, int expected) throws IOException {
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException("not a JSON object");
            SendResult[] results = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (name.equals("errors") && t == JsonToken.VALUE_FALSE && results == null) {
                    return null;
                } else if (name.equals("items") && t == JsonToken.START_ARRAY) {
                    results = new SendResult[expected];
                    int n = 0;
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        SendResult r = parseItem(p);
                        if (n == results.length) results = Arrays.copyOf(results, n * 2 + 1);
                        results[n++] = r;
                    }
                    if (n != results.length) results = Arrays.copyOf(results, n);
                } else {
                    p.skipChildren();
                }
            }
            if (results == null) throw new IOException("no \"items\" in the bulk response");
            return results;
        }
    }

    /** Parses {@code {"create": {"status": 201, ...}}}; the parser is on the item's START_OBJECT. */
    private SendResult parseItem(JsonParser p) throws IOException {
        int status = -1;
        String error = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (field.equals("status") && t == JsonToken.VALUE_NUMBER_INT) status = p.getIntValue();
                else if (field.equals("error")) error = readError(p);
                else p.skipChildren();
            }
        }
        return classifyItem(status, error);
    }

    SendResult classifyItem(int status, String error) {
        if (HttpResponses.isSuccess(status)) return SendResult.DELIVERED;
        String detail = truncate((error == null ? "no error given" : error));
        if (status == 409) {
            return deterministic ? SendResult.DELIVERED : new SendResult.Rejected(Reason.CONFLICT, detail);
        }
        if (status == 429) return new SendResult.Retryable(Reason.RATE_LIMITED, detail);
        if (status >= 500 || status < 0) return new SendResult.Retryable(Reason.SERVER_ERROR, "status " + status + ": " + detail);
        if (status == 400) return new SendResult.Rejected(Reason.BAD_REQUEST, detail);
        return new SendResult.Rejected(Reason.BAD_REQUEST, "status " + status + ": " + detail);
    }

    /** Reads an {@code error} value (object or string) as {@code type: reason (caused by type: reason)}. */
    private static String readError(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_STRING) return p.getText();
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        String type = null;
        String reason = null;
        String causedBy = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            if (field.equals("type") && t == JsonToken.VALUE_STRING) type = p.getText();
            else if (field.equals("reason") && t == JsonToken.VALUE_STRING) reason = p.getText();
            else if (field.equals("caused_by") && t == JsonToken.START_OBJECT) causedBy = readError(p);
            else p.skipChildren();
        }
        StringBuilder sb = new StringBuilder();
        sb.append(type == null ? "error" : type);
        if (reason != null) sb.append(": ").append(reason);
        if (causedBy != null) sb.append(" (caused by ").append(causedBy).append(')');
        return sb.toString();
    }

    /** The {@code error} of a whole-request error body, or the start of the body when it is not one. */
    static String errorSummary(byte[] body) {
        if (body == null || body.length == 0) return "empty body";
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    if (name.equals("error")) {
                        String e = readError(p);
                        if (e != null) return truncate(e);
                    } else {
                        p.skipChildren();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: fall through to the raw text
        }
        return truncate(new String(body, 0, Math.min(body.length, MAX_DETAIL), StandardCharsets.UTF_8).strip());
    }

    private static String truncate(String s) {
        return HttpResponses.truncate(s, MAX_DETAIL);
    }
}
