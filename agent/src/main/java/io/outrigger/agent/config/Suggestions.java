package io.outrigger.agent.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/** "Did you mean" help for unknown keys, types and names. */
final class Suggestions {

    private Suggestions() {}

    /** The known word nearest to {@code word} by edit distance, if near enough to be a likely typo. */
    static Optional<String> nearest(String word, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = Math.min(distance(word.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT)),
                    distance(normalize(word), normalize(k)));
            if (d < bestDistance || (d == bestDistance && best != null && k.compareTo(best) < 0)) {
                best = k;
                bestDistance = d;
            }
        }
        if (best == null) return Optional.empty();
        int allowed = best.length() <= 4 ? 1 : best.length() <= 8 ? 2 : 3;
        return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    /** {@code unknown key "pahts" (did you mean "paths"?)}, or with the known keys listed when nothing is near. */
    static String unknownKey(String key, Collection<String> known) {
        Optional<String> near = nearest(key, known);
        if (near.isPresent()) return "unknown key \"" + key + "\" (did you mean \"" + near.get() + "\"?)";
        if (known.isEmpty()) return "unknown key \"" + key + "\" (this block takes no keys)";
        return "unknown key \"" + key + "\" (known keys: " + String.join(", ", new TreeSet<>(known)) + ")";
    }

    /** {@code unknown input type "fiel" (did you mean "file"? known: file, prometheus_scrape)}. */
    static String unknownName(String what, String name, Collection<String> known) {
        Optional<String> near = nearest(name, known);
        String list = known.isEmpty() ? "none" : String.join(", ", new TreeSet<>(known));
        return "unknown " + what + " \"" + name + "\" ("
                + near.map(n -> "did you mean \"" + n + "\"? ").orElse("") + "known: " + list + ")";
    }

    private static String normalize(String s) {
        return s.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
