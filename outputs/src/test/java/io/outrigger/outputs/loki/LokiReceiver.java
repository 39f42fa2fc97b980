package io.outrigger.outputs.loki;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.outrigger.outputs.loki.proto.LokiPush;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;
import org.xerial.snappy.Snappy;

/**
 * A stand-in for Grafana Loki 2.9's push endpoint, for tests: {@code POST /loki/api/v1/push} on 127.0.0.1, decoding
 * what Loki decodes (Snappy block-compressed {@code logproto.PushRequest}, or the JSON body, gzip allowed) and
 * answering as Loki does, with Loki's plain-text messages and no Retry-After:
 * <ul>
 * <li>204 on success; an exact duplicate (same stream, time and line) is also 204 and stored once;</li>
 * <li>400 for a body that is not Snappy ("snappy: corrupt input"), a stream without labels, unparsable labels, an
 *     entry over {@code max_line_bytes}, more than 10m ahead of the receiver's clock, older than 168h, or more
 *     than 1h behind its stream's newest stored entry. Valid entries of such a push are still stored; the body
 *     is the last error, as in Loki;</li>
 * <li>401 "no org id" without {@code X-Scope-OrgID} when multi-tenancy is on (else the tenant is "fake");</li>
 * <li>429 "Ingestion rate limit exceeded ..." when a push's bytes (lines + structured metadata) exceed the
 *     tenant's token bucket; a push larger than the burst is refused every time; nothing of it is stored.</li>
 * </ul>
 * Time comes from the {@link InstantSource} given to the builder, so tests control "too new/too old" and the
 * rate limiter's refill. {@link #failNext} queues canned answers (a 500, a 429 with Retry-After...).
 *
 * <p>Entries are kept per tenant per stream (labels as a sorted map) in the order they arrived (a Loki query
 * would return them sorted by time); {@link #pushes()} has every request as decoded, with its headers and answer.
 */
public final class LokiReceiver implements AutoCloseable {

    public static final String PUSH_PATH = "/loki/api/v1/push";
    private static final Canned PASS = new Canned(0, "", null);
    public static final String DEFAULT_TENANT = "fake";

    /** One stored entry. */
    public record Entry(Instant timestamp, String line, Map<String, String> structuredMetadata) {
        public Entry {
            structuredMetadata = Collections.unmodifiableMap(new LinkedHashMap<>(structuredMetadata));
        }

        public long timeNanos() { return timestamp.getEpochSecond() * 1_000_000_000L + timestamp.getNano(); }
    }

    /** One stream of a push as it was decoded: the labels text as sent, and its entries in sent order. */
    public record PushedStream(String labels, List<Entry> entries) {
        public PushedStream { entries = List.copyOf(entries); }
    }

    /**
     * One request: its tenant (null when refused for lacking one), headers (names lower case, first value),
     * the decoded streams (empty when it could not be decoded) and the answer given.
     */
    public record Push(String tenant, Map<String, String> headers, List<PushedStream> streams, int status, String responseBody) {
        public Push {
            headers = Map.copyOf(headers);
            streams = List.copyOf(streams);
        }

        public String header(String name) { return headers.get(name.toLowerCase(Locale.ROOT)); }

        public int entryCount() { return streams.stream().mapToInt(s -> s.entries().size()).sum(); }
    }

    private record Canned(int status, String body, String retryAfter) {}

    private final HttpServer server;
    private final ExecutorService executor;
    private final InstantSource clock;
    private final boolean multiTenant;
    private final long rateBytesPerSecond;
    private final long burstBytes;
    private final int maxLineBytes;
    private final Duration creationGracePeriod;
    private final Duration maxAge;
    private final Duration outOfOrderWindow;
    private final ObjectMapper json = new ObjectMapper();

    private final Object lock = new Object();
    private final Map<String, Map<SortedMap<String, String>, List<Entry>>> store = new LinkedHashMap<>();
    private final Map<String, double[]> buckets = new HashMap<>(); // tenant -> {tokens, lastRefillNanos}
    private final List<Push> pushes = new ArrayList<>();
    private final Deque<Canned> canned = new ArrayDeque<>();

    private LokiReceiver(Builder b) throws IOException {
        this.clock = b.clock;
        this.multiTenant = b.multiTenant;
        this.rateBytesPerSecond = b.rateBytesPerSecond;
        this.burstBytes = b.burstBytes;
        this.maxLineBytes = b.maxLineBytes;
        this.creationGracePeriod = b.creationGracePeriod;
        this.maxAge = b.maxAge;
        this.outOfOrderWindow = b.outOfOrderWindow;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), b.port), 0);
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "loki-receiver");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A receiver with Loki's defaults: no multi-tenancy, no rate limit, the system clock. */
    public static LokiReceiver start() throws IOException { return builder().start(); }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private InstantSource clock = InstantSource.system();
        private boolean multiTenant;
        private long rateBytesPerSecond = Long.MAX_VALUE;
        private long burstBytes = Long.MAX_VALUE;
        private int maxLineBytes = 262_144;
        private Duration creationGracePeriod = Duration.ofMinutes(10);
        private Duration maxAge = Duration.ofHours(168);
        private Duration outOfOrderWindow = Duration.ofHours(1);
        private int port;

        private Builder() {}

        /** Listen on this port (0, the default, picks a free one). */
        public Builder port(int v) { port = v; return this; }

        public Builder clock(InstantSource v) { clock = Objects.requireNonNull(v); return this; }

        /** Loki's {@code auth_enabled: true}: a push without {@code X-Scope-OrgID} gets 401 "no org id". */
        public Builder multiTenant(boolean v) { multiTenant = v; return this; }

        /** Loki's {@code ingestion_rate_mb} / {@code ingestion_burst_size_mb}, in bytes, per tenant. */
        public Builder rateLimit(long bytesPerSecond, long burst) {
            rateBytesPerSecond = bytesPerSecond;
            burstBytes = burst;
            return this;
        }

        /** Loki's {@code max_line_size} (default 256KiB). */
        public Builder maxLineBytes(int v) { maxLineBytes = v; return this; }

        public LokiReceiver start() throws IOException { return new LokiReceiver(this); }
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234} (an output's {@code url}). */
    public String url() { return "http://127.0.0.1:" + server.getAddress().getPort(); }

    public int port() { return server.getAddress().getPort(); }

    /** Answers the next push with this status and body (and Retry-After when not null) instead of processing it. */
    public void failNext(int status, String body, String retryAfter) {
        synchronized (lock) { canned.add(new Canned(status, body, retryAfter)); }
    }

    /**
     * Lets the next {@code n} pushes through as usual before the answers queued after this call by {@link #failNext}
     * (an outage that starts mid-stream).
     */
    public void passNext(int n) {
        synchronized (lock) {
            for (int i = 0; i < n; i++) canned.add(PASS);
        }
    }

    /** The tenants that have stored entries. */
    public Set<String> tenants() {
        synchronized (lock) { return Set.copyOf(store.keySet()); }
    }

    /** The label sets of a tenant's streams. */
    public Set<Map<String, String>> streams(String tenant) {
        synchronized (lock) {
            Map<SortedMap<String, String>, List<Entry>> s = store.getOrDefault(tenant, Map.of());
            Set<Map<String, String>> out = new java.util.LinkedHashSet<>();
            for (SortedMap<String, String> k : s.keySet()) out.add(Map.copyOf(k));
            return out;
        }
    }

    /** A stream's stored entries, in arrival order; empty when there is no such stream. */
    public List<Entry> entries(String tenant, Map<String, String> labels) {
        synchronized (lock) {
            return List.copyOf(store.getOrDefault(tenant, Map.of()).getOrDefault(new TreeMap<>(labels), List.of()));
        }
    }

    /** The lines of a stream, in arrival order. */
    public List<String> lines(String tenant, Map<String, String> labels) {
        return entries(tenant, labels).stream().map(Entry::line).toList();
    }

    /** Every entry stored for a tenant, stream by stream. */
    public List<Entry> allEntries(String tenant) {
        synchronized (lock) {
            List<Entry> out = new ArrayList<>();
            store.getOrDefault(tenant, Map.of()).values().forEach(out::addAll);
            return out;
        }
    }

    public int entryCount(String tenant) { return allEntries(tenant).size(); }

    /** Every request received, in order. */
    public List<Push> pushes() {
        synchronized (lock) { return List.copyOf(pushes); }
    }

    /** Forgets stored entries, pushes, canned answers and rate-limit state. */
    public void reset() {
        synchronized (lock) {
            store.clear();
            pushes.clear();
            canned.clear();
            buckets.clear();
        }
    }

    @Override public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------------------------------------------------

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            Map<String, String> headers = new HashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> {
                if (!v.isEmpty()) headers.put(k.toLowerCase(Locale.ROOT), v.getFirst());
            });
            if (!ex.getRequestURI().getPath().equals(PUSH_PATH)) {
                answer(ex, 404, "404 page not found\n", null);
                return;
            }
            if (!ex.getRequestMethod().equals("POST")) {
                answer(ex, 405, "", null);
                return;
            }
            synchronized (lock) {
                process(ex, headers, body);
            }
        }
    }

    /** Holds the lock. */
    private void process(HttpExchange ex, Map<String, String> headers, byte[] body) throws IOException {
        Canned c = canned.poll();
        if (c != null && c != PASS) {
            List<PushedStream> refused;   // what the canned answer refused, for tests that follow it
            try {
                refused = decode(headers, body);
            } catch (BadRequest | RuntimeException e) {
                refused = List.of();
            }
            pushes.add(new Push(headers.get("x-scope-orgid"), headers, refused, c.status(), c.body()));
            answer(ex, c.status(), c.body(), c.retryAfter());
            return;
        }
        String tenant = headers.get("x-scope-orgid");
        if (multiTenant && (tenant == null || tenant.isEmpty())) {
            reply(ex, null, headers, List.of(), 401, "no org id\n");
            return;
        }
        if (!multiTenant) tenant = DEFAULT_TENANT;

        List<PushedStream> streams;
        try {
            streams = decode(headers, body);
        } catch (BadRequest e) {
            reply(ex, tenant, headers, List.of(), 400, e.getMessage() + "\n");
            return;
        }

        // distributor: validate labels and entries; keep the valid ones
        Instant now = clock.instant();
        String lastError = null;
        Map<SortedMap<String, String>, List<Entry>> valid = new LinkedHashMap<>();
        Map<SortedMap<String, String>, String> labelText = new HashMap<>();
        long validBytes = 0;
        int validLines = 0;
        for (PushedStream s : streams) {
            SortedMap<String, String> labels;
            try {
                labels = parseLabels(s.labels());
            } catch (BadRequest e) {
                lastError = e.getMessage();
                continue;
            }
            String canonical = render(labels);
            labelText.put(labels, canonical);
            for (Entry e : s.entries()) {
                int lineBytes = e.line().getBytes(StandardCharsets.UTF_8).length;
                if (e.timestamp().isAfter(now.plus(creationGracePeriod))) {
                    lastError = "entry for stream '" + canonical + "' has timestamp too new: " + goTime(e.timestamp());
                } else if (e.timestamp().isBefore(now.minus(maxAge))) {
                    lastError = "entry for stream '" + canonical + "' has timestamp too old: " + goTime(e.timestamp())
                            + ", oldest acceptable timestamp is: " + goTime(now.minus(maxAge));
                } else if (lineBytes > maxLineBytes) {
                    lastError = "Max entry size '" + maxLineBytes + "' bytes exceeded for stream '" + canonical
                            + "' while adding an entry with length '" + lineBytes + "' bytes";
                } else {
                    valid.computeIfAbsent(labels, k -> new ArrayList<>()).add(e);
                    validLines++;
                    validBytes += lineBytes;
                    for (Map.Entry<String, String> m : e.structuredMetadata().entrySet()) {
                        validBytes += m.getKey().length() + m.getValue().length();
                    }
                }
            }
        }
        if (validLines > 0 && !allow(tenant, validBytes, now)) {
            reply(ex, tenant, headers, streams, 429, "Ingestion rate limit exceeded for user " + tenant + " (limit: "
                    + rateBytesPerSecond + " bytes/sec) while attempting to ingest '" + validLines + "' lines totaling '"
                    + validBytes + "' bytes, reduce log volume or contact your Loki administrator to see if the limit can be increased\n");
            return;
        }

        // ingester: unordered writes within the window behind the stream's newest entry; exact duplicates ignored
        Map<SortedMap<String, String>, List<Entry>> tenantStore = store.computeIfAbsent(tenant, t -> new LinkedHashMap<>());
        for (Map.Entry<SortedMap<String, String>, List<Entry>> s : valid.entrySet()) {
            List<Entry> stored = tenantStore.computeIfAbsent(s.getKey(), k -> new ArrayList<>());
            int ignored = 0;
            String ignoredText = "";
            for (Entry e : s.getValue()) {
                Instant newest = newest(stored);
                if (newest != null && e.timestamp().isBefore(newest.minus(outOfOrderWindow))) {
                    ignored++;
                    ignoredText += "entry with timestamp " + goTime(e.timestamp()) + " ignored, reason: 'entry too far behind,"
                            + " oldest acceptable timestamp is: " + newest.minus(outOfOrderWindow) + "',\n";
                    continue;
                }
                if (isDuplicate(stored, e)) continue;
                stored.add(e);
            }
            if (stored.isEmpty()) tenantStore.remove(s.getKey());
            if (ignored > 0) {
                lastError = ignoredText + "user '" + tenant + "', total ignored: " + ignored + " out of "
                        + s.getValue().size() + " for stream: " + labelText.get(s.getKey());
            }
        }
        if (tenantStore.isEmpty()) store.remove(tenant);
        if (lastError != null) reply(ex, tenant, headers, streams, 400, lastError + "\n");
        else reply(ex, tenant, headers, streams, 204, "");
    }

    private static Instant newest(List<Entry> stored) {
        Instant n = null;
        for (Entry e : stored) if (n == null || e.timestamp().isAfter(n)) n = e.timestamp();
        return n;
    }

    private static boolean isDuplicate(List<Entry> stored, Entry e) {
        for (int i = stored.size() - 1; i >= 0; i--) {
            Entry s = stored.get(i);
            if (s.timestamp().equals(e.timestamp()) && s.line().equals(e.line())) return true;
        }
        return false;
    }

    /** Loki's per-tenant token bucket (golang.org/x/time/rate): a push over the burst never passes. */
    private boolean allow(String tenant, long bytes, Instant now) {
        if (rateBytesPerSecond == Long.MAX_VALUE) return true;
        if (bytes > burstBytes) return false;
        double nowNanos = now.getEpochSecond() * 1e9 + now.getNano();
        double[] b = buckets.computeIfAbsent(tenant, t -> new double[] {burstBytes, nowNanos});
        b[0] = Math.min(burstBytes, b[0] + (nowNanos - b[1]) / 1e9 * rateBytesPerSecond);
        b[1] = nowNanos;
        if (b[0] < bytes) return false;
        b[0] -= bytes;
        return true;
    }

    private void reply(HttpExchange ex, String tenant, Map<String, String> headers, List<PushedStream> streams,
                       int status, String text) throws IOException {
        pushes.add(new Push(tenant, headers, streams, status, text));
        answer(ex, status, text, null);
    }

    private static void answer(HttpExchange ex, int status, String text, String retryAfter) throws IOException {
        if (retryAfter != null) ex.getResponseHeaders().set("Retry-After", retryAfter);
        if (status == 204 || text == null || text.isEmpty()) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) { super(message, null, false, false); }
    }

    // ---- decoding ------------------------------------------------------------------------------------------

    private List<PushedStream> decode(Map<String, String> headers, byte[] body) throws BadRequest {
        String type = headers.getOrDefault("content-type", "");
        int semi = type.indexOf(';');
        if (semi >= 0) type = type.substring(0, semi);
        type = type.strip().toLowerCase(Locale.ROOT);
        if (type.equals("application/json")) {
            byte[] raw = body;
            if ("gzip".equalsIgnoreCase(headers.get("content-encoding"))) {
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                    raw = in.readAllBytes();
                } catch (IOException e) {
                    throw new BadRequest("gzip: invalid header");
                }
            }
            return decodeJson(raw);
        }
        // Loki treats any other content type as protobuf
        byte[] raw;
        try {
            if (!Snappy.isValidCompressedBuffer(body)) throw new IOException("corrupt");
            raw = Snappy.uncompress(body);
        } catch (IOException e) {
            throw new BadRequest("snappy: corrupt input");
        }
        LokiPush.PushRequest req;
        try {
            req = LokiPush.PushRequest.parseFrom(raw);
        } catch (InvalidProtocolBufferException e) {
            throw new BadRequest("proto: " + e.getMessage());
        }
        List<PushedStream> out = new ArrayList<>();
        for (LokiPush.StreamAdapter s : req.getStreamsList()) {
            List<Entry> entries = new ArrayList<>();
            for (LokiPush.EntryAdapter e : s.getEntriesList()) {
                Map<String, String> md = new LinkedHashMap<>();
                for (LokiPush.LabelPairAdapter p : e.getStructuredMetadataList()) md.put(p.getName(), p.getValue());
                entries.add(new Entry(Instant.ofEpochSecond(e.getTimestamp().getSeconds(), e.getTimestamp().getNanos()), e.getLine(), md));
            }
            out.add(new PushedStream(s.getLabels(), entries));
        }
        return out;
    }

    private List<PushedStream> decodeJson(byte[] raw) throws BadRequest {
        JsonNode root;
        try {
            root = json.readTree(raw);
        } catch (IOException e) {
            throw new BadRequest("loghttp.PushRequest.Streams: " + e.getMessage());
        }
        if (root == null || !root.path("streams").isArray()) throw new BadRequest("loghttp.PushRequest: streams is not an array");
        List<PushedStream> out = new ArrayList<>();
        for (JsonNode s : root.get("streams")) {
            SortedMap<String, String> labels = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = s.path("stream").properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> l = it.next();
                labels.put(l.getKey(), l.getValue().asText());
            }
            List<Entry> entries = new ArrayList<>();
            for (JsonNode v : s.path("values")) {
                if (!v.isArray() || v.size() < 2 || v.size() > 3 || !v.get(0).isTextual()) {
                    throw new BadRequest("Value is array with unexpected length or types");
                }
                long ns;
                try {
                    ns = Long.parseLong(v.get(0).asText());
                } catch (NumberFormatException e) {
                    throw new BadRequest("strconv.ParseInt: parsing \"" + v.get(0).asText() + "\": invalid syntax");
                }
                Map<String, String> md = new LinkedHashMap<>();
                if (v.size() == 3) {
                    Iterator<Map.Entry<String, JsonNode>> m = v.get(2).properties().iterator();
                    while (m.hasNext()) {
                        Map.Entry<String, JsonNode> x = m.next();
                        md.put(x.getKey(), x.getValue().asText());
                    }
                }
                entries.add(new Entry(Instant.ofEpochSecond(0, ns), v.get(1).asText(), md));
            }
            out.add(new PushedStream(render(labels), entries));
        }
        return out;
    }

    // ---- labels --------------------------------------------------------------------------------------------

    /** Parses {@code {a="x", b="y"}} as Loki (the Prometheus parser) does. */
    static SortedMap<String, String> parseLabels(String text) throws BadRequest {
        SortedMap<String, String> out = new TreeMap<>();
        int i = skipWs(text, 0);
        if (i >= text.length() || text.charAt(i) != '{') throw badLabels(text, "unexpected character: expected '{'");
        i = skipWs(text, i + 1);
        while (i < text.length() && text.charAt(i) != '}') {
            int start = i;
            while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) i++;
            String name = text.substring(start, i);
            if (name.isEmpty() || !LokiOutputFactory.isValidLabelName(name)) {
                throw badLabels(text, "1:" + (i + 1) + ": parse error: unexpected character inside braces: '" + (i < text.length() ? text.charAt(i) : ' ') + "'");
            }
            i = skipWs(text, i);
            if (i >= text.length() || text.charAt(i) != '=') throw badLabels(text, "1:" + (i + 1) + ": parse error: unexpected character after label name, expected '='");
            i = skipWs(text, i + 1);
            if (i >= text.length() || text.charAt(i) != '"') throw badLabels(text, "1:" + (i + 1) + ": parse error: unexpected character, expected string");
            StringBuilder v = new StringBuilder();
            i++;
            boolean closed = false;
            while (i < text.length()) {
                char c = text.charAt(i++);
                if (c == '"') {
                    closed = true;
                    break;
                }
                if (c == '\\' && i < text.length()) {
                    char n = text.charAt(i++);
                    switch (n) {
                        case 'n' -> v.append('\n');
                        case 't' -> v.append('\t');
                        case 'r' -> v.append('\r');
                        case '\\', '"' -> v.append(n);
                        default -> throw badLabels(text, "1:" + i + ": parse error: unknown escape sequence");
                    }
                } else {
                    v.append(c);
                }
            }
            if (!closed) throw badLabels(text, "1:" + i + ": parse error: unterminated quoted string");
            if (out.put(name, v.toString()) != null) throw badLabels(text, "duplicate label name: " + name);
            i = skipWs(text, i);
            if (i < text.length() && text.charAt(i) == ',') i = skipWs(text, i + 1);
            else if (i < text.length() && text.charAt(i) != '}') throw badLabels(text, "1:" + (i + 1) + ": parse error: unexpected character, expected ',' or '}'");
        }
        if (i >= text.length()) throw badLabels(text, "1:" + (i + 1) + ": parse error: unexpected end of input inside braces");
        if (out.isEmpty()) throw new BadRequest("error at least one label pair is required per stream");
        return out;
    }

    private static BadRequest badLabels(String text, String why) {
        return new BadRequest("Error parsing labels '" + text + "' with error: " + why);
    }

    private static int skipWs(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        return i;
    }

    private static String render(Map<String, String> labels) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, String> l : labels.entrySet()) {
            if (sb.length() > 1) sb.append(", ");
            sb.append(l.getKey()).append("=\"")
                    .append(l.getValue().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
        }
        return sb.append('}').toString();
    }

    private static final DateTimeFormatter GO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    /** Go's {@code time.Time.String()} in UTC: {@code 2026-11-27 07:00:00.5 +0000 UTC}. */
    static String goTime(Instant t) {
        StringBuilder sb = new StringBuilder(GO_TIME.format(t));
        if (t.getNano() != 0) {
            String frac = String.format(Locale.ROOT, "%09d", t.getNano()).replaceAll("0+$", "");
            sb.append('.').append(frac);
        }
        return sb.append(" +0000 UTC").toString();
    }
}
