package io.outrigger.bench.parsers;

import java.util.Random;

/** {@code cri} stage on ~200-byte CRI lines (one in eight split into a P and an F part); score = lines/s. */
public class CriParseBenchmark extends StageBenchmark {

    @Override String type() { return "cri"; }

    @Override long seed() { return 4; }

    @Override String[] lines(Random rnd) {
        String[] lines = new String[BenchStages.LINES];
        for (int i = 0; i < lines.length; i++) {
            String tag = i % 8 == 0 ? "P" : "F";
            lines[i] = "2026-11-27T05:59:" + (10 + rnd.nextInt(50)) + "." + (100_000_000 + rnd.nextInt(899_999_999))
                    + "Z " + (rnd.nextInt(4) == 0 ? "stderr" : "stdout") + " " + tag
                    + " {\"level\":\"info\",\"msg\":\"order " + rnd.nextInt(1_000_000)
                    + " processed by worker\",\"logger\":\"com.example.shop.OrderService\",\"duration_ms\":"
                    + rnd.nextInt(500) + ",\"ok\":true}";
        }
        return lines;
    }
}
