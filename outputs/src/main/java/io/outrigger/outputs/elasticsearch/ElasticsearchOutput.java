package io.outrigger.outputs.elasticsearch;

import co.elastic.clients.transport.rest5_client.low_level.Request;
import co.elastic.clients.transport.rest5_client.low_level.Response;
import co.elastic.clients.transport.rest5_client.low_level.ResponseException;
import co.elastic.clients.transport.rest5_client.low_level.ResponseListener;
import co.elastic.clients.transport.rest5_client.low_level.Rest5Client;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.pipeline.Batch;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.Reason;
import io.outrigger.core.pipeline.SendResult;
import io.outrigger.core.telemetry.Metrics;
import io.outrigger.outputs.common.HttpResponses;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;

/**
 * Sends a batch as one {@code POST /_bulk} through the low-level {@link Rest5Client} (round-robin over the hosts,
 * dead hosts skipped, non-blocking) and classifies the answer with {@link BulkResponseClassifier}. A 413 is
 * {@code Split(too_large)}: the shared sender halves the batch, and rejects a single record still too large.
 */
final class ElasticsearchOutput implements Output {

    private static final System.Logger LOG = System.getLogger(ElasticsearchOutput.class.getName());
    private static final ContentType NDJSON = ContentType.create("application/x-ndjson");

    private final Rest5Client client;
    private final IndexTemplate target;
    private final boolean dataStream;
    private final boolean deterministic;
    private final String pipeline;
    private final BulkResponseClassifier classifier;
    private final CounterDataPoint reqOk;
    private final CounterDataPoint reqClientError;
    private final CounterDataPoint reqThrottled;
    private final CounterDataPoint reqServerError;
    private final CounterDataPoint reqConnection;
    private final CounterDataPoint docsDelivered;
    private final CounterDataPoint docsRetryable;
    private final CounterDataPoint docsRejected;

    ElasticsearchOutput(ElasticsearchOutputConfig config, String name, Metrics metrics, java.time.InstantSource clock,
                        Rest5Client client) {
        this.client = client;
        this.dataStream = config.dataStream() != null;
        this.target = IndexTemplate.parse(dataStream ? config.dataStream() : config.index(), !dataStream);
        this.deterministic = config.deterministicIds();
        this.pipeline = config.pipeline();
        this.classifier = new BulkResponseClassifier(deterministic, clock);
        Counter requests = metrics.counter("outrigger_output_elasticsearch_requests_total",
                "Bulk requests by outcome: ok, client_error, throttled, server_error, connection", "output", "result");
        reqOk = requests.labelValues(name, "ok");
        reqClientError = requests.labelValues(name, "client_error");
        reqThrottled = requests.labelValues(name, "throttled");
        reqServerError = requests.labelValues(name, "server_error");
        reqConnection = requests.labelValues(name, "connection");
        Counter docs = metrics.counter("outrigger_output_elasticsearch_documents_total",
                "Documents by outcome of their bulk item: delivered, retryable, rejected", "output", "result");
        docsDelivered = docs.labelValues(name, "delivered");
        docsRetryable = docs.labelValues(name, "retryable");
        docsRejected = docs.labelValues(name, "rejected");
    }

    @Override public CompletableFuture<SendResult> send(Batch batch) {
        if (batch.records().isEmpty()) return CompletableFuture.completedFuture(SendResult.DELIVERED);
        try {
            return sendRecords(batch).thenApply(r -> {
                count(r, batch.size());
                return r;
            });
        } catch (RuntimeException e) {
            // a bug here must not take the pipeline down: answer, and keep the records for a retry
            LOG.log(System.Logger.Level.ERROR, "elasticsearch output failed to build a request", e);
            return CompletableFuture.completedFuture(new SendResult.Retryable(Reason.INTERNAL, String.valueOf(e)));
        }
    }

    private CompletableFuture<SendResult> sendRecords(Batch batch) {
        BulkEncoder.Encoded encoded = new BulkEncoder(target, dataStream, deterministic).encode(batch.records());
        batch.encoded(encoded.body().length);
        if (encoded.itemCount() == 0) return CompletableFuture.completedFuture(BulkResponseClassifier.summarize(encoded.upFront()));
        Request request = new Request("POST", "/_bulk");
        if (pipeline != null) request.addParameter("pipeline", pipeline);
        request.setEntity(new ByteArrayEntity(encoded.body(), NDJSON));
        CompletableFuture<SendResult> result = new CompletableFuture<>();
        client.performRequestAsync(request, new ResponseListener() {
            // Rest5Client calls this for every status below 500, and onFailure(ResponseException) from 500 on
            @Override public void onSuccess(Response response) {
                complete(result, () -> {
                    if (response.getStatusCode() / 100 != 2) return answerStatus(response);
                    reqOk.inc();
                    return CompletableFuture.completedFuture(classifier.classifyItems(body(response.getEntity()), encoded));
                });
            }

            @Override public void onFailure(Exception e) {
                if (e instanceof ResponseException re) {
                    complete(result, () -> answerStatus(re.getResponse()));
                } else {
                    reqConnection.inc();
                    Reason reason = HttpResponses.isTls(e) ? Reason.TLS : isTimeout(e) ? Reason.TIMEOUT : Reason.CONNECTION;
                    result.complete(new SendResult.Retryable(reason, describe(e)));
                }
            }
        });
        return result;
    }

    private CompletableFuture<SendResult> answerStatus(Response response) {
        int status = response.getStatusCode();
        if (status == 429) reqThrottled.inc();
        else if (status >= 500) reqServerError.inc();
        else reqClientError.inc();
        byte[] body = body(response.getEntity());
        return CompletableFuture.completedFuture(classifier.classifyStatus(status, response.getHeader("Retry-After"), body));
    }

    private interface Step {
        CompletableFuture<SendResult> run();
    }

    private static void complete(CompletableFuture<SendResult> result, Step step) {
        try {
            step.run().whenComplete((r, e) -> {
                if (e != null) result.complete(new SendResult.Retryable(Reason.INTERNAL, String.valueOf(e)));
                else result.complete(r);
            });
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "elasticsearch output failed to read a response", e);
            result.complete(new SendResult.Retryable(Reason.SERVER_ERROR, "unreadable answer: " + e));
        }
    }

    private void count(SendResult r, int size) {
        switch (r) {
            case SendResult.Delivered d -> docsDelivered.inc(size);
            case SendResult.Retryable x -> docsRetryable.inc(size);
            case SendResult.Rejected x -> docsRejected.inc(size);
            case SendResult.Split x -> docsRetryable.inc(size);
            case SendResult.PerRecord(List<SendResult> results) -> {
                int delivered = 0;
                int retryable = 0;
                int rejected = 0;
                for (SendResult one : results) {
                    if (one instanceof SendResult.Delivered) delivered++;
                    else if (one instanceof SendResult.Retryable) retryable++;
                    else rejected++;
                }
                docsDelivered.inc(delivered);
                docsRetryable.inc(retryable);
                docsRejected.inc(rejected);
            }
        }
    }

    private static byte[] body(HttpEntity entity) {
        if (entity == null) return new byte[0];
        try (InputStream in = entity.getContent()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the response body: " + e.getMessage(), e);
        }
    }

    private static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getClass().getSimpleName().contains("Timeout")) return true;
        }
        return false;
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null && sb.length() < 500; t = t.getCause()) {
            if (!sb.isEmpty()) sb.append(": ");
            sb.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) sb.append(' ').append(t.getMessage());
            if (t.getCause() == t) break;
        }
        return sb.toString();
    }

    @Override public void close() {
        try {
            client.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the elasticsearch client: " + e.getMessage());
        }
    }
}
