package io.outrigger.agent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code outrigger top}: a view of a running agent refreshed every second, from its {@code /metrics} (so it works
 * against any version that serves them): per input lines/s and bytes behind, per stage records in/out/dropped, per
 * output records/s, retries, dead letters and batches in flight, and the record buffer's use.
 */
@Command(name = "top", mixinStandardHelpOptions = true,
        description = "Watch a running agent's inputs, stages and outputs (from its /metrics).")
final class TopCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:2020", description = "The agent's HTTP endpoint (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--interval", defaultValue = "1s", paramLabel = "DURATION", description = "How often to refresh (default: ${DEFAULT-VALUE}).")
    String interval;

    @Option(names = "--iterations", paramLabel = "N", description = "Stop after N views (default: until interrupted); each after the first shows rates.")
    Integer iterations;

    @Option(names = "--no-clear", description = "Print views one after another instead of redrawing the screen.")
    boolean noClear;

    @Override public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Duration every = io.outrigger.core.config.Durations.parse(interval);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI metrics = URI.create(url.replaceAll("/+$", "") + "/metrics");
        Map<String, Double> before = null;
        long beforeNanos = 0;
        for (int i = 0; iterations == null || i < iterations; i++) {
            if (i > 0) Thread.sleep(every.toMillis());
            String text;
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    err.println("outrigger top: " + metrics + " answered " + r.statusCode());
                    err.flush();
                    return 1;
                }
                text = r.body();
            } catch (IOException e) {
                err.println("outrigger top: cannot reach " + metrics + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
                err.flush();
                return 1;
            }
            long now = System.nanoTime();
            Map<String, Double> samples = TopView.parse(text);
            double seconds = before == null ? 0 : (now - beforeNanos) / 1e9;
            if (!noClear) out.print("\u001b[H\u001b[2J");
            out.print(TopView.render(samples, before, seconds, url));
            out.flush();
            before = samples;
            beforeNanos = now;
        }
        return 0;
    }

}
