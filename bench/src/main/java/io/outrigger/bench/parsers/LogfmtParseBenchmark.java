package io.outrigger.bench.parsers;

import java.util.Random;

/** {@code logfmt} stage on ~200-byte lines; score = lines/s on one thread. */
public class LogfmtParseBenchmark extends StageBenchmark {

    @Override String type() { return "logfmt"; }

    @Override long seed() { return 2; }

    @Override String[] lines(Random rnd) {
        String[] lines = new String[BenchStages.LINES];
        String[] levels = {"info", "warn", "error", "debug"};
        for (int i = 0; i < lines.length; i++) {
            lines[i] = "ts=2026-11-27T05:59:" + (10 + rnd.nextInt(50)) + ".123Z level=" + levels[rnd.nextInt(4)]
                    + " caller=server.go:" + rnd.nextInt(300) + " msg=\"request completed for order " + rnd.nextInt(1_000_000)
                    + "\" method=GET path=/api/v1/orders/" + rnd.nextInt(100000) + " status=200 duration=" + rnd.nextInt(900)
                    + "us bytes=" + rnd.nextInt(20000) + " cached";
        }
        return lines;
    }
}
