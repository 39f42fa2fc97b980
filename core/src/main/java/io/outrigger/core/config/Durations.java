package io.outrigger.core.config;

import java.time.Duration;

/** Parses durations as users write them: {@code 250ms}, {@code 5s}, {@code 1m30s}, {@code 2h}, {@code 7d}. */
public final class Durations {

    private Durations() {}

    public static Duration parse(String text) {
        String s = text.trim();
        if (s.isEmpty()) throw new IllegalArgumentException(bad(text));
        if (s.equals("0")) return Duration.ZERO;
        Duration total = Duration.ZERO;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) i++;
            if (start == i) throw new IllegalArgumentException(bad(text));
            double n;
            try {
                n = Double.parseDouble(s.substring(start, i));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(bad(text));
            }
            int unitStart = i;
            while (i < s.length() && Character.isLetter(s.charAt(i))) i++;
            long nanosPerUnit = switch (s.substring(unitStart, i)) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                case "d" -> 86_400_000_000_000L;
                default -> throw new IllegalArgumentException(bad(text));
            };
            total = total.plusNanos(Math.round(n * nanosPerUnit));
        }
        return total;
    }

    /** Formats a duration the way {@link #parse} reads it, for messages and {@code validate} output. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0 && !d.isZero()) return d.toNanos() + "ns";
        if (ms % 3_600_000 == 0 && ms != 0) return ms / 3_600_000 + "h";
        if (ms % 60_000 == 0 && ms != 0) return ms / 60_000 + "m";
        if (ms % 1000 == 0) return ms / 1000 + "s";
        return ms + "ms";
    }

    private static String bad(String text) {
        return "invalid duration \"" + text + "\" (expected a number with a unit: ms, s, m, h, d, e.g. 500ms or 30s)";
    }
}
