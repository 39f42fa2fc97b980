package io.outrigger.parsers;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * A single pass over an access line that yields the group offsets the {@code nginx_combined} preset regex yields, or
 * declines. It follows only the regex's first (greedy) path: every step either succeeds the way the regex's first
 * attempt would, or the scanner returns false and the caller runs the regex. Since a backtracking regex answers with
 * its first successful path, a line the scanner finishes gets exactly the regex's groups.
 *
 * <p>The two optional parts are taken or skipped only where the choice is forced: the request's path part is skipped
 * when the method is directly followed by {@code "}, the referer/agent part when it fails on its own (it has one way
 * to match); the trailing {@code .*$} is taken only when no line terminator follows.
 */
final class NginxCombinedScanner {

    /** Group numbers of the preset pattern; {@link #fits} checks a pattern has these. */
    static final int REMOTE = 1, HOST = 2, USER = 3, TIME = 4, METHOD = 5, PATH = 6, CODE = 7, SIZE = 8, REFERER = 9,
            AGENT = 10, GROUPS = 11;

    private static final Map<String, Integer> NAMES = Map.of("remote", REMOTE, "host", HOST, "user", USER,
            "time", TIME, "method", METHOD, "path", PATH, "code", CODE, "size", SIZE, "referer", REFERER, "agent", AGENT);

    private NginxCombinedScanner() {}

    /** Whether {@code pattern} is the nginx_combined preset (text and group numbers). */
    static boolean fits(Pattern pattern) {
        return pattern.pattern().equals(RegexPresets.ALL.get("nginx_combined").pattern())
                && pattern.flags() == 0 && pattern.namedGroups().equals(NAMES);
    }

    /**
     * Fills {@code off} ({@code 2 * GROUPS} long) with start/end of each group, {@code -1} for an unset group, as
     * {@code Matcher.start(g)/end(g)} after {@code find()}; returns false (leaving {@code off} undefined) when unsure.
     */
    static boolean scan(String s, int[] off) {
        int n = s.length();
        int i = 0;
        // (?<remote>[^ ]*) (?<host>[^ ]*) (?<user>[^ ]*) <space>
        for (int g = REMOTE; g <= USER; g++) {
            int start = i;
            while (i < n && s.charAt(i) != ' ') i++;
            if (i == n) return false;
            off[2 * g] = start;
            off[2 * g + 1] = i;
            i++;
        }
        // \[(?<time>[^\]]*)\] "
        if (i >= n || s.charAt(i) != '[') return false;
        int start = ++i;
        while (i < n && s.charAt(i) != ']') i++;
        if (i + 2 >= n || s.charAt(i + 1) != ' ' || s.charAt(i + 2) != '"') return false;
        off[2 * TIME] = start;
        off[2 * TIME + 1] = i;
        i += 3;
        // (?<method>[^ "]+)
        start = i;
        char c = 0;
        while (i < n && (c = s.charAt(i)) != ' ' && c != '"') i++;
        if (i == start || i == n) return false;
        off[2 * METHOD] = start;
        off[2 * METHOD + 1] = i;
        if (c == ' ') {
            // (?: +(?<path>[^ "]*)(?: +[^"]*)?)? entered: spaces, path, then the protocol part up to the quote
            while (i < n && s.charAt(i) == ' ') i++;
            start = i;
            while (i < n && (c = s.charAt(i)) != ' ' && c != '"') i++;
            if (i == n) return false;
            c = s.charAt(i);
            off[2 * PATH] = start;
            off[2 * PATH + 1] = i;
            if (c == ' ') {
                while (i < n && s.charAt(i) != '"') i++;
                if (i == n) return false;
            }
        } else {
            // method directly followed by the quote: the path part fails at its first space, so it is skipped
            off[2 * PATH] = -1;
            off[2 * PATH + 1] = -1;
        }
        // " (?<code>[^ ]*) (?<size>[^ ]*)
        i++;
        if (i >= n || s.charAt(i) != ' ') return false;
        start = ++i;
        while (i < n && s.charAt(i) != ' ') i++;
        if (i == n) return false;
        off[2 * CODE] = start;
        off[2 * CODE + 1] = i;
        start = ++i;
        while (i < n && s.charAt(i) != ' ') i++;
        off[2 * SIZE] = start;
        off[2 * SIZE + 1] = i;
        // .*$ and the agent's .* stop at line terminators: a line with one goes to the regex
        for (int k = i; k < n; k++) {
            char t = s.charAt(k);
            if (t == '\n' || t == '\r' || t == '\u0085' || (t | 1) == '\u2029') return false;
        }
        // (?: "(?<referer>[^"]*)" "(?<agent>.*)")? : the agent runs to the last quote; without one the part is skipped
        off[2 * REFERER] = off[2 * REFERER + 1] = off[2 * AGENT] = off[2 * AGENT + 1] = -1;
        if (i + 1 < n && s.charAt(i) == ' ' && s.charAt(i + 1) == '"') {
            int rs = i + 2, re = rs;
            while (re < n && s.charAt(re) != '"') re++;
            if (re + 2 < n && s.charAt(re + 1) == ' ' && s.charAt(re + 2) == '"') {
                int as = re + 3, ae = s.lastIndexOf('"');
                if (ae >= as) {
                    off[2 * REFERER] = rs;
                    off[2 * REFERER + 1] = re;
                    off[2 * AGENT] = as;
                    off[2 * AGENT + 1] = ae;
                }
            }
        }
        off[0] = 0;
        off[1] = n;
        return true;
    }
}
