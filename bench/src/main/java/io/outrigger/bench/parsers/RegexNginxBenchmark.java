package io.outrigger.bench.parsers;

import java.util.Random;

/** {@code regex} stage with the nginx_combined preset on ~200-byte access lines; score = lines/s. */
public class RegexNginxBenchmark extends StageBenchmark {

    @Override String type() { return "regex"; }

    @Override String options() { return "{\"preset\":\"nginx_combined\"}"; }

    @Override long seed() { return 3; }

    @Override String[] lines(Random rnd) {
        String[] lines = new String[BenchStages.LINES];
        String[] paths = {"/api/v1/orders", "/api/v1/cart/items", "/static/app.js", "/healthz"};
        for (int i = 0; i < lines.length; i++) {
            lines[i] = "10.0." + rnd.nextInt(255) + "." + rnd.nextInt(255) + " - - [27/Nov/2026:05:59:"
                    + (10 + rnd.nextInt(50)) + " +0000] \"GET " + paths[rnd.nextInt(4)] + "?page=" + rnd.nextInt(50)
                    + " HTTP/1.1\" " + (rnd.nextBoolean() ? 200 : 404) + " " + rnd.nextInt(50000)
                    + " \"https://shop.example.com/\" \"Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0\"";
        }
        return lines;
    }
}
