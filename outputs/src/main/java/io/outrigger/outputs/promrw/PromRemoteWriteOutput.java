package io.outrigger.outputs.promrw;

import io.outrigger.core.config.Secret;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.pipeline.Batch;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.Reason;
import io.outrigger.core.pipeline.SendResult;
import io.outrigger.outputs.common.AuthHeader;
import io.outrigger.outputs.common.HttpResponses;
import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.xerial.snappy.Snappy;

/**
 * Sends a batch as one snappy-compressed remote write request. Records that are not metric samples (a log pipeline
 * routed here by mistake) or whose name or labels Prometheus would refuse are rejected one by one (reason
 * {@code invalid_record}, the detail saying which) so they reach dead letters and are counted, instead of failing the
 * whole request or being retried forever.
 */
final class PromRemoteWriteOutput implements Output {

    static final MediaType PROTOBUF = MediaType.get("application/x-protobuf");
    static final String USER_AGENT = "outrigger/0.1 (prometheus_remote_write)";

    private final OkHttpClient client;
    private final PromRemoteWriteConfig config;
    private final InstantSource clock;
    private final AuthHeader authorization;

    PromRemoteWriteOutput(PromRemoteWriteConfig config, OkHttpClient client, InstantSource clock) {
        this.config = config;
        this.client = client;
        this.clock = clock;
        this.authorization = AuthHeader.of(config.auth());
    }

    @Override public CompletableFuture<SendResult> send(Batch batch) {
        List<LogRecord> records = batch.records();
        WriteRequestEncoder.Encoded enc = WriteRequestEncoder.encode(records);
        if (enc.samples() == 0) return CompletableFuture.completedFuture(perRecord(enc.skipped(), null));
        batch.encoded(enc.bytes().length);
        byte[] body;
        try {
            body = Snappy.compress(enc.bytes());
        } catch (IOException e) {
            return CompletableFuture.completedFuture(new SendResult.Retryable(Reason.INTERNAL, "snappy: " + e.getMessage()));
        }
        Request.Builder rb = new Request.Builder().url(config.url())
                .header("Content-Encoding", "snappy")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                .header("User-Agent", USER_AGENT)
                .post(RequestBody.create(body, PROTOBUF));
        for (Map.Entry<String, Secret> h : config.headers().entrySet()) rb.header(h.getKey(), h.getValue().reveal());
        try {
            String auth = authorization.value();
            if (auth != null) rb.header("Authorization", auth);
        } catch (IOException e) { // an unreadable token file: retried, so a fixed file takes effect
            return CompletableFuture.completedFuture(new SendResult.Retryable(Reason.INTERNAL, "auth.bearer_token_file: " + e.getMessage()));
        }
        CompletableFuture<SendResult> result = new CompletableFuture<>();
        Call call = client.newCall(rb.build());
        call.enqueue(new Callback() {
            @Override public void onFailure(Call c, IOException e) {
                Reason reason = HttpResponses.isTls(e) ? Reason.TLS : HttpResponses.isTimeout(e) ? Reason.TIMEOUT : Reason.CONNECTION;
                result.complete(new SendResult.Retryable(reason, e.getClass().getSimpleName() + ": " + e.getMessage()));
            }

            @Override public void onResponse(Call c, Response response) {
                try (response) {
                    String text = "";
                    if (!response.isSuccessful()) {
                        ResponseBody rbody = response.body();
                        text = rbody == null ? "" : readCapped(rbody);
                    }
                    SendResult r = ResponseClassifier.classify(response.code(), response.header("Retry-After"), text, clock);
                    result.complete(perRecord(enc.skipped(), r));
                } catch (RuntimeException | IOException e) {
                    result.complete(new SendResult.Retryable(Reason.CONNECTION, "reading the answer: " + e.getMessage()));
                }
            }
        });
        return result;
    }

    /** The answer for the sent samples merged with the per-record rejections; the plain answer when none were skipped. */
    static SendResult perRecord(String[] skipped, SendResult forSent) {
        boolean any = false;
        for (String s : skipped) any |= s != null;
        if (!any) return forSent;
        List<SendResult> out = new ArrayList<>(skipped.length);
        for (String s : skipped) {
            out.add(s == null ? forSent : new SendResult.Rejected(Reason.INVALID_RECORD, s.equals(WriteRequestEncoder.NOT_A_METRIC)
                    ? "record is not a metric sample (a log pipeline routed to a prometheus_remote_write output?)"
                    : "invalid metric or label name"));
        }
        return new SendResult.PerRecord(out);
    }

    /** At most 4 KiB of an error answer, for the detail text. */
    private static String readCapped(ResponseBody body) throws IOException {
        okio.BufferedSource src = body.source();
        src.request(4096);
        long n = Math.min(4096, src.getBuffer().size());
        return src.getBuffer().readString(n, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override public void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}
