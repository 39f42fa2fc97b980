package io.outrigger.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code outrigger tap}: prints the records passing a point of a running agent (its {@code /tap}, on when
 * {@code agent.http.tap: true}), in the form of {@code dry-run}. Exit codes: 0 done ({@code --count} reached or the
 * agent ended the stream), 1 the agent cannot be reached or refused, 2 usage.
 */
@Command(name = "tap", mixinStandardHelpOptions = true,
        description = "Print the records passing a point of a running agent (needs agent.http.tap: true).")
final class TapCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:2020", description = "The agent's HTTP endpoint (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--pipeline", paramLabel = "P", description = "The pipeline (default: any).")
    String pipeline;

    @Option(names = "--stage", paramLabel = "N", description = "After the pipeline's stage N (0 is the first), or input: before its first stage (default: after its last).")
    String stage;

    @Option(names = "--input", paramLabel = "I", description = "With --stage input: only records of this input.")
    String input;

    @Option(names = "--output", paramLabel = "O", description = "The records on their way to output O.")
    String output;

    @Option(names = "--match", paramLabel = "EXPR", description = "Only records where name=value, name!=value, name=~regex or name!~regex (message, a field, or a label).")
    String match;

    @Option(names = "--sample", paramLabel = "FRACTION", description = "Take this fraction of matching records (default: all).")
    Double sample;

    @Option(names = "--limit", paramLabel = "N", description = "At most N records per second; the agent drops and counts the rest (default 100).")
    Integer limit;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N records.")
    Integer count;

    @Option(names = "--format", defaultValue = "pretty", paramLabel = "json|pretty", description = "How to print records (default: ${DEFAULT-VALUE}).")
    String format;

    @Override public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!format.equals("json") && !format.equals("pretty")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format must be json or pretty, not \"" + format + "\"");
        }
        StringBuilder q = new StringBuilder();
        param(q, "pipeline", pipeline);
        param(q, "stage", stage);
        param(q, "input", input);
        param(q, "output", output);
        param(q, "match", match);
        param(q, "sample", sample == null ? null : sample.toString());
        param(q, "limit", limit == null ? null : limit.toString());
        String target = url.replaceAll("/+$", "") + "/tap" + (q.isEmpty() ? "" : "?" + q);
        HttpURLConnection c;
        try {
            c = (HttpURLConnection) URI.create(target).toURL().openConnection();
            c.setConnectTimeout(5000);
            c.setReadTimeout(0);
            int status = c.getResponseCode();
            if (status != 200) {
                InputStream es = c.getErrorStream();
                String body = es == null ? "" : new String(es.readAllBytes(), StandardCharsets.UTF_8).strip();
                err.println("outrigger tap: " + target + " answered " + status + ": " + body);
                err.flush();
                return 1;
            }
        } catch (IOException e) {
            err.println("outrigger tap: cannot reach " + target + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            err.flush();
            return 1;
        }
        ObjectMapper json = new ObjectMapper();
        int n = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty()) continue;
                JsonNode node = json.readTree(line);
                if (node.has("tap")) continue;
                if (node.has("tap_dropped")) {
                    err.println("(" + node.get("tap_dropped").asLong() + " records left out so far: over --limit or not read fast enough)");
                    err.flush();
                    continue;
                }
                n++;
                if (format.equals("json")) {
                    out.println(line);
                } else {
                    out.println("record " + n + ":");
                    out.print(pretty(node));
                }
                out.flush();
                if (count != null && n >= count) break;
            }
        } finally {
            c.disconnect();
        }
        return 0;
    }

    private static void param(StringBuilder q, String k, String v) {
        if (v == null) return;
        if (!q.isEmpty()) q.append('&');
        q.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
    }

    /** A record as the outputs receive it, in {@code dry-run}'s pretty form. */
    static String pretty(JsonNode r) {
        StringBuilder sb = new StringBuilder();
        sb.append("  @timestamp: ").append(r.path("@timestamp").asText()).append('\n');
        sb.append("  message:    ").append(r.path("message").asText().replace("\n", "\n              ")).append('\n');
        List<String> fields = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (List.of("@timestamp", "message", "labels", "log").contains(e.getKey())) continue;
            fields.add(e.getKey() + "=" + e.getValue());
        }
        if (!fields.isEmpty()) sb.append("  fields:     ").append(String.join(" ", fields)).append('\n');
        JsonNode labels = r.path("labels");
        if (labels.isObject() && !labels.isEmpty()) {
            List<String> l = new ArrayList<>();
            labels.fields().forEachRemaining(e -> l.add(e.getKey() + "=\"" + e.getValue().asText() + "\""));
            sb.append("  labels:     {").append(String.join(", ", l)).append("}\n");
        }
        JsonNode flags = r.path("log").path("flags");
        if (flags.isArray() && !flags.isEmpty()) {
            List<String> f = new ArrayList<>();
            flags.forEach(x -> f.add(x.asText()));
            sb.append("  flags:      ").append(f).append('\n');
        }
        JsonNode path = r.path("log").path("file").path("path");
        if (!path.isMissingNode()) sb.append("  from:       ").append(path.asText()).append(" at ").append(r.path("log").path("offset").asText()).append('\n');
        return sb.toString();
    }
}
