package io.outrigger.core.config;

import java.util.Locale;

/**
 * A size in bytes written with a unit: {@code 512}, {@code 64KiB}, {@code 1MiB}, {@code 2GiB}; {@code KB}, {@code MB},
 * {@code GB} are powers of ten, as in Kubernetes quantities; {@code Ki}, {@code Mi}, {@code Gi} are accepted too.
 */
public record ByteSize(long bytes) {

    public ByteSize {
        if (bytes < 0) throw new IllegalArgumentException("size must not be negative: " + bytes);
    }

    public static ByteSize ofBytes(long b) { return new ByteSize(b); }
    public static ByteSize ofKiB(long k) { return new ByteSize(k * 1024); }
    public static ByteSize ofMiB(long m) { return new ByteSize(m * 1024 * 1024); }

    /** Parses a size; the message of the exception says what is accepted. */
    public static ByteSize parse(String text) {
        String s = text.trim();
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) i++;
        if (i == 0) throw new IllegalArgumentException(bad(text));
        String unit = s.substring(i).trim().toLowerCase(Locale.ROOT);
        long mult = switch (unit) {
            case "", "b" -> 1L;
            case "kib", "ki" -> 1L << 10;
            case "mib", "mi" -> 1L << 20;
            case "gib", "gi" -> 1L << 30;
            case "kb", "k" -> 1_000L;
            case "mb", "m" -> 1_000_000L;
            case "gb", "g" -> 1_000_000_000L;
            default -> throw new IllegalArgumentException(bad(text));
        };
        double n;
        try {
            n = Double.parseDouble(s.substring(0, i));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(bad(text));
        }
        return new ByteSize(Math.round(n * mult));
    }

    private static String bad(String text) {
        return "invalid size \"" + text + "\" (expected a number with an optional unit: B, KiB, MiB, GiB, KB, MB, GB)";
    }

    @Override public String toString() {
        if (bytes != 0 && bytes % (1L << 30) == 0) return bytes / (1L << 30) + "GiB";
        if (bytes != 0 && bytes % (1L << 20) == 0) return bytes / (1L << 20) + "MiB";
        if (bytes != 0 && bytes % (1L << 10) == 0) return bytes / (1L << 10) + "KiB";
        return bytes + "B";
    }
}
