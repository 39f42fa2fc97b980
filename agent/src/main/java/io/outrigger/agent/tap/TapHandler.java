package io.outrigger.agent.tap;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.outrigger.core.config.Secret;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.RecordJson;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.RecordComponent;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /tap?pipeline=P&stage=N|N.M|input|end&input=I&output=O&match=EXPR&sample=0.1&limit=100}: the records
 * passing that point, as NDJSON over a chunked response (one record per line, in the shape outputs receive), and
 * a line {@code {"tap_dropped":N}} whenever records were left out since the last one. Off unless
 * {@code agent.http.tap: true}; loopback clients only unless {@code agent.http.tap_allow_remote: true}; at most
 * {@value #MAX_CLIENTS} clients. Each client is written by its own thread, so a slow client holds neither the HTTP
 * server's threads nor the pipeline. The values of the config's secrets (passwords, tokens) are masked in what is
 * sent, as in the agent's messages. A config reload ends the stream (the client reconnects).
 */
public final class TapHandler implements HttpHandler {

    static final int MAX_CLIENTS = 4;
    static final int QUEUE = 1024;
    static final String MASK = "******";

    private final Supplier<Tap> tap;
    private final boolean allowRemote;
    private final Supplier<Collection<String>> secrets;
    private final AtomicInteger clients = new AtomicInteger();
    private final AtomicInteger threadNo = new AtomicInteger();

    /**
     * @param tap     the running agent's tap (changes on reload; null when the tap is off)
     * @param secrets the secret values to mask (see {@link #secretsOf})
     */
    public TapHandler(Supplier<Tap> tap, boolean allowRemote, Supplier<Collection<String>> secrets) {
        this.tap = tap;
        this.allowRemote = allowRemote;
        this.secrets = secrets;
    }

    @Override public void handle(HttpExchange e) throws IOException {
        if (!e.getRequestMethod().equals("GET")) {
            e.getResponseHeaders().add("Allow", "GET");
            text(e, 405, "method not allowed\n");
            return;
        }
        if (!allowRemote && !e.getRemoteAddress().getAddress().isLoopbackAddress()) {
            text(e, 403, "the tap serves loopback clients only (agent.http.tap_allow_remote: true allows others)\n");
            return;
        }
        Tap t = tap.get();
        if (t == null) {
            text(e, 404, "the tap is off: set agent.http.tap: true\n");
            return;
        }
        TapFilter filter;
        try {
            filter = filter(query(e.getRequestURI().getRawQuery()), t);
        } catch (IllegalArgumentException ex) {
            text(e, 400, ex.getMessage() + "\n");
            return;
        }
        if (clients.incrementAndGet() > MAX_CLIENTS) {
            clients.decrementAndGet();
            text(e, 503, "already " + MAX_CLIENTS + " tap clients\n");
            return;
        }
        Subscription sub = t.subscribe(filter, QUEUE);
        e.getResponseHeaders().set("Content-Type", "application/x-ndjson");
        e.getResponseHeaders().set("Cache-Control", "no-store");
        e.sendResponseHeaders(200, 0);
        Thread.ofPlatform().daemon(true).name("outrigger-tap-" + threadNo.incrementAndGet()).start(() -> stream(e, t, sub));
    }

    private void stream(HttpExchange e, Tap t, Subscription sub) {
        List<String> masks = masks(secrets.get());
        RecordJson json = new RecordJson();
        long reportedDrops = 0;
        try (e; sub; OutputStream out = e.getResponseBody()) {
            out.write("{\"tap\":\"started\"}\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (tap.get() == t) {
                List<LogRecord> records = sub.poll(500);
                StringBuilder sb = new StringBuilder();
                for (LogRecord r : records) {
                    int start = sb.length();
                    json.append(sb, r);
                    mask(sb, start, masks);
                    sb.append('\n');
                }
                long drops = sub.dropped();
                if (drops != reportedDrops) {
                    sb.append("{\"tap_dropped\":").append(drops).append("}\n");
                    reportedDrops = drops;
                }
                // an empty line keeps the connection checked: a gone client fails the write
                if (sb.isEmpty()) sb.append('\n');
                out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException | InterruptedException ex) {
            // the client went away, or the agent stops
        } finally {
            clients.decrementAndGet();
        }
    }

    static TapFilter filter(Map<String, String> q, Tap t) {
        for (String k : q.keySet()) {
            if (!Set.of("pipeline", "stage", "input", "output", "match", "sample", "limit").contains(k)) {
                throw new IllegalArgumentException("unknown parameter \"" + k + "\" (pipeline, stage, input, output, match, sample, limit)");
            }
        }
        String pipeline = q.get("pipeline");
        String output = q.get("output");
        if (pipeline != null && !t.knowsPipeline(pipeline)) throw new IllegalArgumentException("no pipeline \"" + pipeline + "\" (the agent has: " + String.join(", ", t.pipelines()) + ")");
        if (output != null && !t.knowsOutput(output)) throw new IllegalArgumentException("no output \"" + output + "\" fed by a pipeline");
        String point = q.getOrDefault("stage", Tap.END);
        if (!point.equals(Tap.END) && !point.equals(Tap.INPUT)) {
            if (!point.matches("[0-9]+(\\.[0-9]+)*")) {
                throw new IllegalArgumentException("stage is a stage's index (0, 1, ...; 2.0 for the first stage inside the match at 2), input or end, not \"" + point + "\"");
            }
            if (pipeline == null) throw new IllegalArgumentException("stage " + point + " needs a pipeline");
            if (!t.stages(pipeline).contains(point)) {
                throw new IllegalArgumentException("pipeline " + pipeline + " has no stage " + point + " (it has " + String.join(", ", new java.util.TreeSet<>(t.stages(pipeline))) + ")");
            }
        }
        if (output != null && q.containsKey("stage")) throw new IllegalArgumentException("give stage or output, not both");
        double sample;
        int limit;
        try {
            sample = Double.parseDouble(q.getOrDefault("sample", "1"));
            limit = Integer.parseInt(q.getOrDefault("limit", "100"));
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("sample is a fraction (0.1) and limit a number of records per second");
        }
        TapFilter f = new TapFilter(pipeline, point, q.get("input"), output, q.get("match"), sample, limit);
        String problem = f.problem();
        if (problem != null) throw new IllegalArgumentException(problem);
        return f;
    }

    static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw == null || raw.isEmpty()) return q;
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (!k.isEmpty()) q.put(k, v);
        }
        return q;
    }

    /** Every {@link Secret} value in a config object tree (records, maps, collections), for masking. */
    public static Collection<String> secretsOf(Object root) {
        Set<String> out = new LinkedHashSet<>();
        collect(root, out, 0);
        return out;
    }

    private static void collect(Object o, Set<String> out, int depth) {
        if (o == null || depth > 12) return;
        if (o instanceof Secret s) {
            if (!s.isEmpty()) out.add(s.reveal());
        } else if (o instanceof Map<?, ?> m) {
            for (Object v : m.values()) collect(v, out, depth + 1);
        } else if (o instanceof Collection<?> c) {
            for (Object v : c) collect(v, out, depth + 1);
        } else if (o.getClass().isRecord()) {
            for (RecordComponent rc : o.getClass().getRecordComponents()) {
                try {
                    collect(rc.getAccessor().invoke(o), out, depth + 1);
                } catch (ReflectiveOperationException | RuntimeException ex) {
                    // an accessor that cannot be called holds nothing we can mask
                }
            }
        }
    }

    /** Long secrets are masked wherever they appear; short ones (under 8 characters) only as whole words. */
    private static List<String> masks(Collection<String> secrets) {
        List<String> out = new ArrayList<>(secrets);
        out.sort((a, b) -> b.length() - a.length());
        return out;
    }

    static void mask(StringBuilder sb, int from, List<String> secrets) {
        if (secrets.isEmpty()) return;
        String s = sb.substring(from);
        String masked = s;
        for (String secret : secrets) {
            if (secret.length() >= 8) masked = masked.replace(secret, MASK);
            else masked = Pattern.compile("(?<![\\w])" + Pattern.quote(secret) + "(?![\\w])").matcher(masked).replaceAll(Matcher.quoteReplacement(MASK));
        }
        if (!masked.equals(s)) {
            sb.setLength(from);
            sb.append(masked);
        }
    }

    private static void text(HttpExchange e, int status, String body) throws IOException {
        try (e) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            e.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            e.sendResponseHeaders(status, b.length);
            e.getResponseBody().write(b);
        }
    }
}
