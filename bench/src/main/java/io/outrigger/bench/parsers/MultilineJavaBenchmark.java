package io.outrigger.bench.parsers;

import java.util.Random;

/** {@code multiline} stage, java preset, on ~200-byte lines: log lines with a stack trace every 20 lines; score = lines/s. */
public class MultilineJavaBenchmark extends StageBenchmark {

    @Override String type() { return "multiline"; }

    @Override String options() { return "{\"preset\":\"java\"}"; }

    @Override long seed() { return 5; }

    @Override String[] lines(Random rnd) {
        String[] lines = new String[BenchStages.LINES];
        int i = 0;
        while (i < lines.length) {
            if (i % 20 == 19 && i + 6 < lines.length) {
                lines[i++] = "2026-11-27 05:59:59.002 ERROR 1 --- [nio-8080-exec-" + rnd.nextInt(10)
                        + "] o.a.c.c.C.[.[.[/].[dispatcherServlet] : Servlet.service() for servlet threw exception";
                lines[i++] = "java.lang.IllegalStateException: order " + rnd.nextInt(1_000_000) + " is not payable in the current state";
                for (int f = 0; f < 4; f++) {
                    lines[i++] = "\tat com.example.shop.service.payment.OrderPaymentService.payOrderWithRetries(OrderPaymentService.java:"
                            + rnd.nextInt(500) + ")";
                }
                lines[i++] = "\t... 48 more";
            } else {
                lines[i++] = "2026-11-27 05:59:58.001  INFO 1 --- [nio-8080-exec-" + rnd.nextInt(10)
                        + "] c.e.shop.web.OrderController : order " + rnd.nextInt(1_000_000)
                        + " accepted for customer " + rnd.nextInt(100_000) + " with 3 items, total 129.90 EUR";
            }
        }
        return lines;
    }
}
