package io.outrigger.agent.config;

import io.outrigger.core.config.ConfigProblem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The problems found in one file, with the line of every key path seen while parsing. A path reported as broken
 * (a missing variable, a value that could not be bound) suppresses later problems at or below it, which would
 * only be consequences of the first.
 */
final class Problems {

    static final String MASK = "******";

    private final Map<String, Integer> lines = new HashMap<>();
    private final List<ConfigProblem> problems = new ArrayList<>();
    private final Set<String> broken = new HashSet<>();
    private final Set<String> secrets = new HashSet<>();

    void line(String path, int line) { lines.putIfAbsent(path, line); }

    /** A value bound to a {@code Secret}: masked wherever it would appear in a message. */
    void secret(String value) {
        if (value != null && value.length() >= 3) secrets.add(value);
    }

    void add(String path, String message) { add(new ConfigProblem(path, message)); }

    /** Adds a problem and marks {@code path} broken. */
    void addBroken(String path, String message) {
        add(path, message);
        broken.add(path);
    }

    void add(ConfigProblem p) {
        if (isBroken(p.path())) return;
        problems.add(p.line() > 0 ? p : p.atLine(lineOf(p.path())));
    }

    void markBroken(String path) { broken.add(path); }

    boolean isEmpty() { return problems.isEmpty(); }

    int size() { return problems.size(); }

    boolean isBroken(String path) {
        for (String b : broken) {
            if (path.equals(b) || (path.startsWith(b) && (path.charAt(b.length()) == '.' || path.charAt(b.length()) == '['))) {
                return true;
            }
        }
        return false;
    }

    /** The line of {@code path}, or of its deepest ancestor seen in the file; 0 if none. */
    int lineOf(String path) {
        String p = path;
        while (!p.isEmpty()) {
            Integer line = lines.get(p);
            if (line != null) return line;
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            if (cut <= 0) break;
            p = p.substring(0, cut);
        }
        Integer line = lines.get(p);
        return line == null ? 0 : line;
    }

    /** Distinct problems sorted by line (stable), secrets masked. */
    List<ConfigProblem> sorted() {
        List<ConfigProblem> out = new ArrayList<>();
        for (ConfigProblem p : new LinkedHashSet<>(problems)) out.add(mask(p));
        out.sort(Comparator.comparingInt(ConfigProblem::line));
        return out;
    }

    /**
     * Masks {@code secret} in {@code text}: everywhere when it is long, only as a whole word when it is short
     * (a password "short" must not turn "shorter" into "******er").
     */
    private static String mask(String text, String secret) {
        if (secret.length() >= 8) return text.replace(secret, MASK);
        return Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(secret) + "(?![\\p{L}\\p{N}])")
                .matcher(text).replaceAll(Matcher.quoteReplacement(MASK));
    }

    private ConfigProblem mask(ConfigProblem p) {
        String m = p.message();
        String path = p.path();
        for (String s : secrets) {
            m = mask(m, s);
            path = mask(path, s);
        }
        return new ConfigProblem(path, p.line(), m);
    }
}
