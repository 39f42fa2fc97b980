package io.outrigger.inputs.prometheus;

import io.outrigger.core.event.Labels;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.MetricSample;
import io.outrigger.core.event.Origin;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Emitter;
import io.outrigger.core.pipeline.Finalizer;
import io.outrigger.core.pipeline.Input;
import io.prometheus.metrics.core.metrics.Counter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * Scrapes one endpoint every {@code interval} on its own thread and emits each scrape's samples, plus the synthetic
 * {@code up}, {@code scrape_duration_seconds} and {@code scrape_samples_scraped} samples Prometheus adds, in one
 * {@link Emitter#emit} call. A failed scrape emits {@code up 0}, is counted, and is logged once per change of state.
 */
final class PrometheusScrapeInput implements Input {

    private static final System.Logger LOG = System.getLogger(PrometheusScrapeInput.class.getName());
    /** Bodies past this size are cut off and the scrape fails: protects the agent's heap from a runaway target. */
    static final int MAX_BODY_BYTES = 32 * 1024 * 1024;
    static final String ACCEPT = "text/plain;version=0.0.4;q=1,*/*;q=0.1";

    /** Scrape failure reasons, fixed label values of {@code outrigger_input_scrape_errors_total}. */
    static final String CONNECTION = "connection";
    static final String TIMEOUT = "timeout";
    static final String HTTP_STATUS = "http_status";
    static final String BODY_TOO_LARGE = "body_too_large";
    /** The body had lines but not one parseable sample (an HTML error page, a wrong URL). */
    static final String UNPARSEABLE = "unparseable";

    private final PrometheusScrapeConfig config;
    private final String inputName;
    private final InstantSource clock;
    private final URI uri;
    private final Origin origin;
    private final Labels targetLabels;
    private final Counter errors;
    private final Counter samplesScraped;
    private final TextFormatParser parser = new TextFormatParser();
    private final HttpClient http;

    private volatile Thread thread;
    private volatile boolean running;
    private volatile boolean ready;
    private Boolean lastOk; // scrape thread only

    PrometheusScrapeInput(PrometheusScrapeConfig config, ComponentContext ctx) {
        this.config = config;
        this.inputName = ctx.name();
        this.clock = ctx.clock();
        this.uri = URI.create(config.url());
        this.origin = Origin.of(inputName, config.url());
        this.targetLabels = Labels.of(config.labels());
        this.errors = ctx.metrics().counter("outrigger_input_scrape_errors_total",
                "Scrape problems of prometheus_scrape inputs: failed scrapes and skipped malformed lines, by reason",
                "input", "reason");
        this.samplesScraped = ctx.metrics().counter("outrigger_input_scrape_samples_total",
                "Samples read by prometheus_scrape inputs", "input");
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.timeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    @Override public void start(Emitter emitter) {
        running = true;
        Thread t = Thread.ofPlatform().daemon().name("outrigger-scrape-" + inputName).unstarted(() -> loop(emitter));
        thread = t;
        t.start();
        ready = true;
    }

    private void loop(Emitter emitter) {
        long intervalNanos = config.interval().toNanos();
        long next = System.nanoTime();
        try {
            while (running) {
                emitter.emit(scrape());
                next += intervalNanos;
                long now = System.nanoTime();
                if (next - now < 0) next = now + intervalNanos; // fell behind: skip missed ticks
                TimeUnit.NANOSECONDS.sleep(next - now);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "input " + inputName + ": scraping stopped by an unexpected error", e);
        }
    }

    @Override public void stop(long deadlineNanos) throws InterruptedException {
        running = false;
        ready = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            long wait = deadlineNanos - System.nanoTime();
            if (wait > 0) TimeUnit.NANOSECONDS.timedJoin(t, wait);
        }
        http.shutdownNow(); // aborts a scrape still in flight instead of waiting for it
    }

    @Override public boolean isReady() { return ready; }

    /** One scrape: the target's samples (empty on failure) followed by {@code up} and the scrape statistics. */
    List<LogRecord> scrape() throws InterruptedException {
        long startNanos = System.nanoTime();
        long scrapeTimeNanos = epochNanos(clock);
        List<LogRecord> out = new ArrayList<>();
        String failure = null;
        String detail = null;
        try {
            HttpRequest req = HttpRequest.newBuilder(uri)
                    .timeout(config.timeout())
                    .header("Accept", ACCEPT)
                    .header("Accept-Encoding", "gzip")
                    .header("User-Agent", "outrigger")
                    .header("X-Prometheus-Scrape-Timeout-Seconds", Double.toString(config.timeout().toMillis() / 1000.0))
                    .GET().build();
            HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream raw = resp.body()) {
                if (resp.statusCode() != 200) {
                    failure = HTTP_STATUS;
                    detail = "HTTP " + resp.statusCode();
                } else {
                    boolean gzip = resp.headers().firstValue("Content-Encoding").map(v -> v.equalsIgnoreCase("gzip")).orElse(false);
                    String body = readLimited(gzip ? new GZIPInputStream(raw) : raw);
                    if (body == null) {
                        failure = BODY_TOO_LARGE;
                        detail = "body larger than " + MAX_BODY_BYTES + " bytes";
                    } else {
                        int badLines = parseInto(body, scrapeTimeNanos, out);
                        if (out.isEmpty() && badLines > 0) {
                            failure = UNPARSEABLE;
                            detail = badLines + " lines and not one sample in Prometheus text format";
                        }
                    }
                }
            }
        } catch (HttpTimeoutException e) {
            failure = TIMEOUT;
            detail = "no answer within " + config.timeout().toMillis() + "ms";
        } catch (IOException e) {
            failure = CONNECTION;
            detail = e instanceof ConnectException ? "connection refused" : String.valueOf(e.getMessage());
        }
        int scraped = out.size();
        if (failure != null) {
            out.clear();
            errors.labelValues(inputName, failure).inc();
        } else {
            samplesScraped.labelValues(inputName).inc(scraped);
        }
        noteState(failure, detail);
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        out.add(synthetic("up", failure == null ? 1 : 0, scrapeTimeNanos));
        out.add(synthetic("scrape_duration_seconds", seconds, scrapeTimeNanos));
        out.add(synthetic("scrape_samples_scraped", scraped, scrapeTimeNanos));
        return out;
    }

    /** Parses a body into sample records; malformed lines are counted and skipped. Returns how many were. */
    int parseInto(String body, long scrapeTimeNanos, List<LogRecord> out) {
        boolean honor = config.honorTimestamps();
        int[] bad = new int[1];
        parser.parse(body, new TextFormatParser.Sink() {
            @Override public void sample(String name, List<String> labels, double value, long timestampMs, String type) {
                long t = honor && timestampMs != TextFormatParser.NO_TIMESTAMP ? timestampMs * 1_000_000L : scrapeTimeNanos;
                out.add(MetricSample.record(name, labels(labels), value, t, type, origin, Finalizer.NONE));
            }

            @Override public void error(int lineNumber, String reason, String line) {
                errors.labelValues(inputName, reason).inc();
                bad[0]++;
            }
        });
        return bad[0];
    }

    /** The scraped labels plus the configured ones; a scraped label the config also sets becomes exported_NAME. */
    private Labels labels(List<String> scraped) {
        if (scraped.isEmpty()) return targetLabels;
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < scraped.size(); i += 2) {
            String name = scraped.get(i);
            if (targetLabels.get(name) != null) name = "exported_" + name;
            m.put(name, scraped.get(i + 1));
        }
        targetLabels.forEach(m::put);
        return Labels.of(m);
    }

    private LogRecord synthetic(String name, double value, long timeNanos) {
        return MetricSample.record(name, targetLabels, value, timeNanos, MetricSample.GAUGE, origin, Finalizer.NONE);
    }

    private void noteState(String failure, String detail) {
        boolean ok = failure == null;
        if (lastOk != null && lastOk == ok) return;
        if (ok) {
            if (lastOk != null) LOG.log(System.Logger.Level.INFO, "input " + inputName + ": scraping " + config.url() + " works again");
        } else {
            LOG.log(System.Logger.Level.WARNING, "input " + inputName + ": scraping " + config.url() + " failed (" + failure + "): " + detail
                    + "; will keep trying every " + config.interval().toMillis() + "ms");
        }
        lastOk = ok;
    }

    private static String readLimited(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(8192);
        byte[] chunk = new byte[8192];
        int n;
        while ((n = in.read(chunk)) > 0) {
            if (buf.size() + n > MAX_BODY_BYTES) return null;
            buf.write(chunk, 0, n);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    private static long epochNanos(InstantSource clock) {
        java.time.Instant t = clock.instant();
        return LogRecord.epochNanos(t);
    }
}
