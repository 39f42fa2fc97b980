package io.outrigger.outputs.elasticsearch;

import co.elastic.clients.transport.rest5_client.low_level.Request;
import co.elastic.clients.transport.rest5_client.low_level.Response;
import co.elastic.clients.transport.rest5_client.low_level.ResponseException;
import co.elastic.clients.transport.rest5_client.low_level.ResponseListener;
import co.elastic.clients.transport.rest5_client.low_level.Rest5Client;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.pipeline.Batch;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.SendResult;
import io.outrigger.core.telemetry.Metrics;
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
 * dead hosts skipped, non-blocking) and classifies the answer with {@link BulkResponseClassifier}. A 413 for several
 * records splits the batch in halves and sends them (no sleeping, at most log2(n) levels); a 413 for one record is
 * {@code Rejected("too_large")}.
 */
final class ElasticsearchOutput implements Output {

    private static final System.Logger LOG = System.getLogger(ElasticsearchOutput.class.getName());
    private static final ContentType NDJSON = ContentType.create("application/x-ndjson");
    /** Connection failures in a row after which {@link #isHealthy()} turns false (until a request gets an answer). */
    static final int UNHEALTHY_AFTER = 3;

    private final Rest5Client client;
    private final IndexTemplate target;
    private final boolean dataStream;
    private final boolean deterministic;
    private final String pipeline;
    private final BulkResponseClassifier classifier;
    private final AtomicInteger connectionFailures = new AtomicInteger();
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
            return sendRecords(batch.records()).thenApply(r -> {
                count(r, batch.size());
                return r;
            });
        } catch (RuntimeException e) {
            // a bug here must not take the pipeline down: answer, and keep the records for a retry
            LOG.log(System.Logger.Level.ERROR, "elasticsearch output failed to build a request", e);
            return CompletableFuture.completedFuture(new SendResult.Retryable("internal", String.valueOf(e)));
        }
    }

    private CompletableFuture<SendResult> sendRecords(List<LogRecord> records) {
        BulkEncoder.Encoded encoded = new BulkEncoder(target, dataStream, deterministic).encode(records);
        if (encoded.itemCount() == 0) return CompletableFuture.completedFuture(BulkResponseClassifier.summarize(encoded.upFront()));
        Request request = new Request("POST", "/_bulk");
        if (pipeline != null) request.addParameter("pipeline", pipeline);
        request.setEntity(new ByteArrayEntity(encoded.body(), NDJSON));
        CompletableFuture<SendResult> result = new CompletableFuture<>();
        client.performRequestAsync(request, new ResponseListener() {
            // Rest5Client calls this for every status below 500, and onFailure(ResponseException) from 500 on
            @Override public void onSuccess(Response response) {
                connectionFailures.set(0);
                complete(result, () -> {
                    if (response.getStatusCode() / 100 != 2) return answerStatus(response, records);
                    reqOk.inc();
                    return CompletableFuture.completedFuture(classifier.classifyItems(body(response.getEntity()), encoded));
                });
            }

            @Override public void onFailure(Exception e) {
                if (e instanceof ResponseException re) {
                    connectionFailures.set(0);
                    complete(result, () -> answerStatus(re.getResponse(), records));
                } else {
                    connectionFailures.incrementAndGet();
                    reqConnection.inc();
                    String reason = isTls(e) ? "tls" : isTimeout(e) ? "timeout" : "connection";
                    result.complete(new SendResult.Retryable(reason, describe(e)));
                }
            }
        });
        return result;
    }

    private CompletableFuture<SendResult> answerStatus(Response response, List<LogRecord> records) {
        int status = response.getStatusCode();
        if (status == 429) reqThrottled.inc();
        else if (status >= 500) reqServerError.inc();
        else reqClientError.inc();
        if (status == 413 && records.size() > 1) return split(records);
        byte[] body = body(response.getEntity());
        return CompletableFuture.completedFuture(classifier.classifyStatus(status, response.getHeader("Retry-After"), body));
    }

    /** Sends the two halves of a batch Elasticsearch found too large, and answers per record. */
    private CompletableFuture<SendResult> split(List<LogRecord> records) {
        int mid = records.size() / 2;
        List<LogRecord> first = records.subList(0, mid);
        List<LogRecord> second = records.subList(mid, records.size());
        CompletableFuture<SendResult> a = sendRecords(first);
        CompletableFuture<SendResult> b = sendRecords(second);
        return a.thenCombine(b, (ra, rb) -> {
            List<SendResult> all = new ArrayList<>(records.size());
            expand(ra, first.size(), all);
            expand(rb, second.size(), all);
            return BulkResponseClassifier.summarize(all.toArray(SendResult[]::new));
        });
    }

    private static void expand(SendResult r, int n, List<SendResult> into) {
        if (r instanceof SendResult.PerRecord(List<SendResult> results)) into.addAll(results);
        else into.addAll(Collections.nCopies(n, r));
    }

    private interface Step {
        CompletableFuture<SendResult> run();
    }

    private static void complete(CompletableFuture<SendResult> result, Step step) {
        try {
            step.run().whenComplete((r, e) -> {
                if (e != null) result.complete(new SendResult.Retryable("internal", String.valueOf(e)));
                else result.complete(r);
            });
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "elasticsearch output failed to read a response", e);
            result.complete(new SendResult.Retryable("bad_response", String.valueOf(e)));
        }
    }

    private void count(SendResult r, int size) {
        switch (r) {
            case SendResult.Delivered d -> docsDelivered.inc(size);
            case SendResult.Retryable x -> docsRetryable.inc(size);
            case SendResult.Rejected x -> docsRejected.inc(size);
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

    private static boolean isTls(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException || t instanceof java.security.cert.CertificateException) return true;
        }
        return false;
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

    @Override public boolean isHealthy() { return connectionFailures.get() < UNHEALTHY_AFTER; }

    @Override public void close() {
        try {
            client.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the elasticsearch client: " + e.getMessage());
        }
    }
}
