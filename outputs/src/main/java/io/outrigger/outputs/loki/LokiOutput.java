package io.outrigger.outputs.loki;

import io.outrigger.core.event.JsonBuffer;
import io.outrigger.core.event.Labels;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Value;
import io.outrigger.core.pipeline.Batch;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.Reason;
import io.outrigger.core.pipeline.SendResult;
import io.outrigger.outputs.common.AuthHeader;
import io.outrigger.outputs.common.PemTls;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Pushes batches to Loki's {@code /loki/api/v1/push}. Per send it renders each record's line, rejects locally what
 * Loki would refuse anyway ({@code max_line_bytes}: reason {@code too_large}; no labels: {@code invalid_record}; the
 * {@code out_of_order: drop} guard: {@code out_of_order}), groups the rest by tenant (one request each, in
 * parallel) and by stream, and classifies Loki's answers with {@link LokiResponseClassifier}.
 *
 * <p><b>Refused entries.</b> Loki answers 400 to a push with some invalid entries (too old, too new, too long)
 * after storing the valid ones, and names only one refused entry. The answer is {@code Split}: the shared sender
 * sends the push again in halves, down to the single refused entries, which it dead-letters with Loki's message.
 * Sending a stored entry again is harmless: Loki answers an identical entry with success and stores it once.
 *
 * <p>Loki's message for a too old entry names its oldest acceptable timestamp, so the first such answer tells
 * this output Loki's {@code reject_old_samples_max_age}: from then on it rejects entries older than that (with a
 * minute of slack for the clocks) before sending, and the halves of the refused push go without them.
 *
 * <p><b>Rate limits.</b> Loki answers 429 without Retry-After, and answers 429 every time to a push larger than
 * its burst size. So once a batch has been tried more than {@value #SPLIT_AFTER_ATTEMPTS} times and gets 429 again,
 * the answer is {@code Split(too_large)}: the shared sender sends it in halves.
 *
 * <p><b>Out of order.</b> The newest timestamp delivered per tenant and stream is remembered (up to
 * {@value #MAX_TRACKED_STREAMS} streams, then forgotten all at once); an entry older than it is sent anyway
 * ({@code accept}), rejected ({@code drop}) or sent with that newest timestamp ({@code clamp}). Batches in flight
 * at once are not ordered against each other (Loki 2.4+ accepts unordered writes within an hour); a batch waiting
 * for its retry holds later ones back ({@link #keepsOrder()}).
 *
 * <p>Label names that are not valid Prometheus names ({@code app.kubernetes.io/name}) are sent with every invalid
 * character replaced by {@code _}; record labels win over static {@code labels} of the same name.
 */
final class LokiOutput implements Output {

    static final int SPLIT_AFTER_ATTEMPTS = 5;
    static final int MAX_TRACKED_STREAMS = 100_000;
    /** Slack between our clock and Loki's before an entry is refused here as too old. */
    static final Duration MAX_AGE_SLACK = Duration.ofMinutes(1);
    private static final Pattern OLDEST_ACCEPTABLE = Pattern.compile(
            "oldest acceptable timestamp is: (\\d{4}-\\d\\d-\\d\\d) (\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?) ([+-]\\d\\d)(\\d\\d)");
    static final String PUSH_PATH = "loki/api/v1/push";

    private static final System.Logger LOG = System.getLogger(LokiOutput.class.getName());

    private final LokiOutputConfig cfg;
    private final OkHttpClient client;
    private final HttpUrl pushUrl;
    private final LokiResponseClassifier classifier;
    private final LineRenderer renderer;
    private final LokiPushEncoder encoder;
    private final Labels staticLabels;
    private final boolean json;
    private final long maxLineBytes;
    private final String outOfOrder;
    private final AuthHeader authorization;
    /** tenant -> stream -> newest delivered time (nanoseconds). */
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Long>> newestDelivered = new ConcurrentHashMap<>();
    private final AtomicInteger trackedStreams = new AtomicInteger();
    private final InstantSource clock;
    /** Loki's reject_old_samples_max_age as learnt from its answers (see class doc); null until one says. */
    private volatile Duration maxAge;

    private final CounterDataPoint outOfOrderAccepted;
    private final CounterDataPoint outOfOrderDropped;
    private final CounterDataPoint outOfOrderClamped;

    LokiOutput(LokiOutputConfig cfg, ComponentContext ctx, OkHttpClient client) {
        this.cfg = cfg;
        this.client = client;
        HttpUrl base = HttpUrl.get(cfg.url());
        this.pushUrl = base.newBuilder().encodedPath(joinPath(base.encodedPath())).build();
        this.classifier = new LokiResponseClassifier(ctx.clock());
        this.clock = ctx.clock();
        this.renderer = LineRenderer.of(cfg.lineFormat(), cfg.template());
        this.encoder = new LokiPushEncoder(cfg.concurrency() + 1);
        this.staticLabels = sanitize(Labels.of(cfg.labels()));
        this.json = cfg.encoding().equals("json");
        this.maxLineBytes = cfg.maxLineBytes().bytes();
        this.outOfOrder = cfg.outOfOrder();
        this.authorization = AuthHeader.of(cfg.auth());
        String name = ctx.name();
        Counter ooo = ctx.metrics().counter("outrigger_output_loki_entries_out_of_order_total",
                "Entries older than the newest delivered for their stream, by what was done with them", "output", "action");
        outOfOrderAccepted = ooo.labelValues(name, "accepted");
        outOfOrderDropped = ooo.labelValues(name, "dropped");
        outOfOrderClamped = ooo.labelValues(name, "clamped");
    }

    /** The OkHttp client for one output: a connection pool and dispatcher sized to its concurrency. */
    static OkHttpClient newClient(LokiOutputConfig cfg, PemTls.Material tls) {
        int c = cfg.concurrency();
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(Math.max(2, c * 2));
        dispatcher.setMaxRequestsPerHost(Math.max(2, c * 2));
        Duration connect = cfg.timeout().compareTo(Duration.ofSeconds(10)) < 0 ? cfg.timeout() : Duration.ofSeconds(10);
        OkHttpClient.Builder b = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool(c, 5, TimeUnit.MINUTES))
                .callTimeout(cfg.timeout())
                .connectTimeout(connect)
                .readTimeout(cfg.timeout())
                .writeTimeout(cfg.timeout())
                .followRedirects(false);
        if (tls != null) {
            b.sslSocketFactory(tls.socketFactory(), tls.trustManager());
            if (tls.skipHostnameVerification()) b.hostnameVerifier((host, session) -> true);
        }
        return b.build();
    }

    /** Appends the push path, unless the URL already ends with it (Promtail users write the full push URL). */
    static String joinPath(String basePath) {
        String trimmed = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
        if (trimmed.endsWith("/" + PUSH_PATH)) return trimmed;
        return trimmed + "/" + PUSH_PATH;
    }

    @Override public CompletableFuture<SendResult> send(Batch batch) {
        List<LogRecord> records = batch.records();
        SendResult[] results = new SendResult[records.size()];
        Map<String, List<LokiEntry>> byTenant = new LinkedHashMap<>();
        Map<Labels, String> streamOf = new HashMap<>(); // record labels -> stream text, merged and rendered once
        Map<String, Labels> labelsOf = new HashMap<>(); // stream text -> merged labels (for the JSON body)
        JsonBuffer lines = encoder.lineBuffer(); // every line of this send, UTF-8; the entries point into it
        for (int i = 0; i < records.size(); i++) {
            LogRecord r = records.get(i);
            String stream = streamOf.get(r.labels());
            if (stream == null) {
                Labels labels = merge(r.labels());
                stream = labels.isEmpty() ? "" : LokiEncoder.renderLabels(labels);
                streamOf.put(r.labels(), stream);
                labelsOf.putIfAbsent(stream, labels);
            }
            if (stream.isEmpty()) {
                results[i] = new SendResult.Rejected(Reason.INVALID_RECORD,
                        "record has no labels and Loki needs at least one per stream (set static labels)");
                continue;
            }
            int lineStart = lines.length();
            renderer.render(r, lines);
            int size = lines.length() - lineStart;
            if (size > maxLineBytes) {
                results[i] = new SendResult.Rejected(Reason.TOO_LARGE,
                        "line of " + size + " bytes is over max_line_bytes (" + maxLineBytes + ")");
                continue;
            }
            String tenant = tenantOf(r);
            long ts = r.timeNanos();
            Duration age = maxAge;
            if (age != null && ts < oldestAcceptableNanos(age)) {
                results[i] = new SendResult.Rejected(Reason.BAD_REQUEST, "entry has timestamp too old: " + Instant.ofEpochSecond(0, ts)
                        + ", older than Loki's reject_old_samples_max_age (" + age.toSeconds() + "s, from its answer) allows");
                continue;
            }
            Map<String, Long> tenantNewest = newestDelivered.get(tenant);
            Long newest = tenantNewest == null ? null : tenantNewest.get(stream);
            if (newest != null && ts < newest) {
                switch (outOfOrder) {
                    case "drop" -> {
                        outOfOrderDropped.inc();
                        results[i] = new SendResult.Rejected(Reason.OUT_OF_ORDER,
                                "entry is older than the newest delivered for stream " + stream);
                        continue;
                    }
                    case "clamp" -> {
                        outOfOrderClamped.inc();
                        ts = newest;
                    }
                    default -> outOfOrderAccepted.inc();
                }
            }
            byTenant.computeIfAbsent(tenant, t -> new ArrayList<>()).add(new LokiEntry(i, stream, ts, lines, lineStart, size, metadataOf(r)));
        }
        List<CompletableFuture<Void>> pushes = new ArrayList<>(byTenant.size());
        for (Map.Entry<String, List<LokiEntry>> t : byTenant.entrySet()) {
            pushes.add(push(t.getKey(), t.getValue(), labelsOf, batch, results));
        }
        return CompletableFuture.allOf(pushes.toArray(CompletableFuture[]::new))
                .whenComplete((v, e) -> encoder.release(lines))
                .thenApply(v -> combine(results));
    }

    /** Pushes one tenant's entries; a 429 past the cap means too large for Loki's burst size (see class doc). */
    private CompletableFuture<Void> push(String tenant, List<LokiEntry> entries, Map<String, Labels> labelsOf,
                                         Batch batch, SendResult[] results) {
        int attempt = batch.attempt();
        return post(tenant, entries, labelsOf, batch).thenAccept(res -> {
            if (attempt > SPLIT_AFTER_ATTEMPTS && res instanceof SendResult.Retryable r && r.reason() == Reason.RATE_LIMITED) {
                res = new SendResult.Split(Reason.TOO_LARGE, "still rate limited after " + attempt
                        + " attempts: larger than Loki's ingestion_burst_size_mb? " + r.detail());
            }
            record(tenant, entries, res, results);
        });
    }

    private void record(String tenant, List<LokiEntry> entries, SendResult res, SendResult[] results) {
        for (LokiEntry e : entries) results[e.index()] = res;
        if (res instanceof SendResult.Delivered) {
            if (trackedStreams.get() > MAX_TRACKED_STREAMS) {
                newestDelivered.clear();
                trackedStreams.set(0);
            }
            Map<String, Long> newest = new HashMap<>();
            for (LokiEntry e : entries) newest.merge(e.stream(), e.timeNanos(), Math::max);
            ConcurrentHashMap<String, Long> tenantNewest = newestDelivered.computeIfAbsent(tenant, t -> new ConcurrentHashMap<>());
            newest.forEach((stream, t) -> {
                Long prev = tenantNewest.putIfAbsent(stream, t);
                if (prev == null) trackedStreams.incrementAndGet();
                else if (prev < t) tenantNewest.merge(stream, t, Math::max);
            });
        }
    }

    private CompletableFuture<SendResult> post(String tenant, List<LokiEntry> entries, Map<String, Labels> labelsOf, Batch batch) {
        Request request;
        LokiPushEncoder.Body body = null;
        try {
            body = encoder.encode(LokiEncoder.group(new ArrayList<>(entries)), json, labelsOf);
            // batch.max_bytes counts the body before Snappy: what Loki's rate limits count is the lines inside
            batch.encoded(body.encodedBytes());
            Request.Builder rb = new Request.Builder().url(pushUrl).post(body);
            if (!tenant.isEmpty()) rb.header("X-Scope-OrgID", tenant);
            String auth = authorization.value();
            if (auth != null) rb.header("Authorization", auth);
            request = rb.build();
        } catch (IOException | RuntimeException e) {
            if (body != null) body.release();
            // an unreadable token file or an encoding failure: retried, so a fixed file takes effect
            return CompletableFuture.completedFuture(new SendResult.Retryable(Reason.INTERNAL, e.getMessage()));
        }
        CompletableFuture<SendResult> f = new CompletableFuture<>();
        LokiPushEncoder.Body sent = body;
        f.whenComplete((r, e) -> sent.release()); // the call is over: OkHttp writes the body no more
        client.newCall(request).enqueue(new Callback() {
            @Override public void onFailure(Call call, IOException e) {
                f.complete(LokiResponseClassifier.classifyFailure(e));
            }

            @Override public void onResponse(Call call, Response response) {
                try (response) {
                    String text = response.code() >= 300 ? response.body().string() : "";
                    SendResult res = classifier.classify(response.code(), text, response.header("Retry-After"));
                    if (response.code() == 400) learnMaxAge(text);
                    f.complete(res);
                } catch (IOException | RuntimeException e) {
                    f.complete(new SendResult.Retryable(Reason.CONNECTION, "reading the answer failed: " + e.getMessage()));
                }
            }
        });
        return f;
    }

    /** The oldest timestamp Loki accepts now, less the slack, in nanoseconds. */
    private long oldestAcceptableNanos(Duration age) {
        Instant oldest = clock.instant().minus(age).minus(MAX_AGE_SLACK);
        return oldest.getEpochSecond() * 1_000_000_000L + oldest.getNano();
    }

    /** Learns Loki's maximum entry age from a 400 that names its oldest acceptable timestamp. */
    private void learnMaxAge(String body) {
        Instant oldest = oldestAcceptable(body);
        if (oldest != null) maxAge = Duration.between(oldest, clock.instant());
    }

    /** The "oldest acceptable timestamp" of Loki's too-old message (Go's time format), or null. */
    static Instant oldestAcceptable(String body) {
        Matcher m = OLDEST_ACCEPTABLE.matcher(body == null ? "" : body);
        if (!m.find()) return null;
        try {
            return OffsetDateTime.parse(m.group(1) + "T" + m.group(2) + m.group(3) + ":" + m.group(4)).toInstant();
        } catch (DateTimeException e) {
            return null;
        }
    }

    private Labels merge(Labels recordLabels) {
        Labels out = staticLabels;
        Labels own = sanitize(recordLabels);
        for (int i = 0; i < own.size(); i++) out = out.with(own.name(i), own.value(i));
        return out;
    }

    /** Replaces characters not allowed in a Prometheus label name by {@code _}. */
    static Labels sanitize(Labels labels) {
        Labels out = labels;
        for (int i = 0; i < labels.size(); i++) {
            String n = labels.name(i);
            if (!LokiOutputFactory.isValidLabelName(n)) {
                char[] c = n.toCharArray();
                for (int j = 0; j < c.length; j++) {
                    boolean ok = c[j] == '_' || (c[j] >= 'a' && c[j] <= 'z') || (c[j] >= 'A' && c[j] <= 'Z')
                            || (j > 0 && c[j] >= '0' && c[j] <= '9');
                    if (!ok) c[j] = '_';
                }
                String fixed = c.length == 0 ? "_" : new String(c);
                out = out.without(n).with(fixed, labels.value(i));
            }
        }
        return out;
    }

    private String tenantOf(LogRecord r) {
        if (cfg.tenantIdField() != null) {
            Value v = r.fields().getPath(cfg.tenantIdField());
            if (v != null && !(v instanceof Value.Null) && !v.asText().isEmpty()) return v.asText();
        }
        return cfg.tenantId() == null ? "" : cfg.tenantId();
    }

    private List<LokiEntry.Pair> metadataOf(LogRecord r) {
        List<String> names = cfg.structuredMetadata();
        if (names.isEmpty()) return List.of();
        List<LokiEntry.Pair> out = new ArrayList<>(names.size());
        for (String n : names) {
            Value v = r.fields().getPath(n);
            if (v != null && !(v instanceof Value.Null)) out.add(new LokiEntry.Pair(n, v.asText()));
        }
        return out;
    }

    /** One answer when every record got the same, else per record. */
    static SendResult combine(SendResult[] results) {
        if (results.length == 0) return SendResult.DELIVERED;
        SendResult first = results[0];
        for (SendResult r : results) if (!r.equals(first)) return new SendResult.PerRecord(Arrays.asList(results));
        return first;
    }

    /** Loki keeps entries per stream in order of arrival (see class doc). */
    @Override public boolean keepsOrder() { return true; }

    @Override public void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    @Override public String toString() { return "LokiOutput[" + pushUrl.redact() + "]"; }
}
