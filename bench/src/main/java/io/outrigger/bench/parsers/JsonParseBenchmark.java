package io.outrigger.bench.parsers;

import java.util.Random;

/** {@code json} stage on ~200-byte JSON object lines; score = lines/s on one thread. */
public class JsonParseBenchmark extends StageBenchmark {

    @Override String type() { return "json"; }

    @Override long seed() { return 1; }

    @Override String[] lines(Random rnd) {
        String[] lines = new String[BenchStages.LINES];
        String[] levels = {"info", "warn", "error", "debug"};
        for (int i = 0; i < lines.length; i++) {
            lines[i] = "{\"ts\":\"2026-11-27T05:59:" + (10 + rnd.nextInt(50)) + "." + (100 + rnd.nextInt(900))
                    + "Z\",\"level\":\"" + levels[rnd.nextInt(4)] + "\",\"logger\":\"com.example.shop.OrderService\","
                    + "\"msg\":\"order " + rnd.nextInt(1_000_000) + " processed\",\"duration_ms\":" + rnd.nextInt(500)
                    + "." + rnd.nextInt(100) + ",\"ok\":true,\"http\":{\"method\":\"GET\",\"status\":200}}";
        }
        return lines;
    }
}
