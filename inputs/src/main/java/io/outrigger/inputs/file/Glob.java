package io.outrigger.inputs.file;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * A path glob: {@code *} and {@code ?} within one path segment, {@code [a-z]} and {@code [!a-z]} classes,
 * {@code {a,b}} alternatives, {@code **} for any number of directories (zero included, so {@code /logs/**&#47;*.log}
 * matches {@code /logs/a.log}) and {@code \} to escape. Compiled once to a regex matched against absolute paths
 * during scans, never per record.
 */
final class Glob {

    private final String text;
    private final Pattern regex;
    private final Path base;
    private final int maxDepth;
    private final boolean lastSegmentAnyName;

    private Glob(String text, Pattern regex, Path base, int maxDepth, boolean lastSegmentAnyName) {
        this.text = text;
        this.regex = regex;
        this.base = base;
        this.maxDepth = maxDepth;
        this.lastSegmentAnyName = lastSegmentAnyName;
    }

    /** Compiles an include glob; a relative one is resolved against the working directory. */
    static Glob compile(String glob) {
        String abs = absolute(glob);
        return build(glob, abs);
    }

    /**
     * Compiles an exclude glob: an absolute one matches whole paths, a relative one the end of a path
     * ({@code *.gz} any file ending in .gz, {@code archive/*} any file directly in a directory named archive).
     */
    static Glob compileExclude(String glob) {
        if (glob.startsWith("/")) return build(glob, glob);
        return build(glob, "/**/" + glob);
    }

    private static String absolute(String glob) {
        if (glob.startsWith("/")) return glob;
        String cwd = Path.of("").toAbsolutePath().toString();
        return cwd.endsWith("/") ? cwd + glob : cwd + "/" + glob;
    }

    private static Glob build(String original, String abs) {
        String[] segments = abs.substring(1).split("/", -1);
        // the base directory: the leading segments without wildcards
        StringBuilder base = new StringBuilder();
        int firstWild = segments.length;
        for (int i = 0; i < segments.length; i++) {
            if (hasMeta(segments[i])) {
                firstWild = i;
                break;
            }
        }
        int baseCount = Math.min(firstWild, segments.length - 1);
        for (int i = 0; i < baseCount; i++) base.append('/').append(segments[i]);
        boolean deep = false;
        for (int i = baseCount; i < segments.length; i++) if (segments[i].contains("**")) deep = true;
        int depth = deep ? Integer.MAX_VALUE : segments.length - baseCount;
        String last = segments[segments.length - 1];
        boolean anyName = last.equals("*") || last.equals("**");
        Path basePath = Path.of(base.isEmpty() ? "/" : base.toString()).normalize();
        // match against the normalised base, as scans see paths ("/var/log/./app/*.log" finds /var/log/app/x.log)
        StringBuilder normal = new StringBuilder(basePath.toString().equals("/") ? "" : basePath.toString());
        for (int i = baseCount; i < segments.length; i++) normal.append('/').append(segments[i]);
        return new Glob(original, Pattern.compile(toRegex(original, normal.toString())), basePath, depth, anyName);
    }

    private static boolean hasMeta(String segment) {
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '{' || c == '\\') return true;
        }
        return false;
    }

    private static String toRegex(String original, String g) {
        StringBuilder re = new StringBuilder(g.length() + 16);
        int braces = 0;
        int n = g.length();
        for (int i = 0; i < n; i++) {
            char c = g.charAt(i);
            switch (c) {
                case '*' -> {
                    if (i + 1 < n && g.charAt(i + 1) == '*') {
                        boolean segStart = i == 0 || g.charAt(i - 1) == '/';
                        int after = i + 2;
                        if (segStart && after < n && g.charAt(after) == '/') {
                            re.append("(?:[^/]*/)*"); // "**/": zero or more directories
                            i = after;
                        } else if (segStart && after == n && i > 0) {
                            re.setLength(re.length() - 1); // "/**" at the end: the directory and all below
                            re.append("(?:/.*)?");
                            i = after - 1;
                        } else {
                            re.append(".*");
                            i = after - 1;
                        }
                    } else {
                        re.append("[^/]*");
                    }
                }
                case '?' -> re.append("[^/]");
                case '[' -> {
                    int close = g.indexOf(']', i + 2);
                    if (close < 0) throw new IllegalArgumentException(bad(original, "unclosed ["));
                    String body = g.substring(i + 1, close);
                    if (body.contains("/")) throw new IllegalArgumentException(bad(original, "a [class] cannot hold /"));
                    re.append('[');
                    int k = 0;
                    if (body.charAt(0) == '!' || body.charAt(0) == '^') {
                        re.append('^');
                        k = 1;
                    }
                    for (; k < body.length(); k++) {
                        char b = body.charAt(k);
                        if (b == '\\' || b == '[' || b == ']' || b == '&' || b == '^') re.append('\\');
                        re.append(b);
                    }
                    re.append(']');
                    i = close;
                }
                case '{' -> {
                    braces++;
                    re.append("(?:");
                }
                case '}' -> {
                    if (braces == 0) throw new IllegalArgumentException(bad(original, "} without {"));
                    braces--;
                    re.append(')');
                }
                case ',' -> re.append(braces > 0 ? "|" : ",");
                case '\\' -> {
                    if (i + 1 >= n) throw new IllegalArgumentException(bad(original, "ends with an escape \\"));
                    re.append(Pattern.quote(String.valueOf(g.charAt(++i))));
                }
                default -> {
                    if ("().+^$|]".indexOf(c) >= 0) re.append('\\');
                    re.append(c);
                }
            }
        }
        if (braces > 0) throw new IllegalArgumentException(bad(original, "unclosed {"));
        try {
            Pattern.compile(re.toString());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(bad(original, "not a valid pattern"));
        }
        return re.toString();
    }

    private static String bad(String glob, String why) {
        return "invalid glob \"" + glob + "\": " + why;
    }

    boolean matches(String absolutePath) { return regex.matcher(absolutePath).matches(); }

    /** The deepest directory without wildcards: where scanning and watching start. */
    Path base() { return base; }

    /** How many directory levels below {@link #base()} a match can be ({@code Integer.MAX_VALUE} with **). */
    int maxDepth() { return maxDepth; }

    /** True when the last segment is {@code *} or {@code **}: directories it matches are not worth a warning. */
    boolean lastSegmentAnyName() { return lastSegmentAnyName; }

    @Override public String toString() { return text; }
}
