package io.outrigger.agent.convert;

import java.util.Map;

/**
 * Go's reference-time layouts ({@code 2006-01-02T15:04:05.000Z07:00}) and named formats ({@code RFC3339},
 * {@code UnixMs}) as the {@code timestamp} stage's formats: a named format of ours where there is one, else a
 * java.time pattern.
 */
final class GoTimeLayout {

    private GoTimeLayout() {}

    /** Promtail's named formats: ours where the meaning is the same, else Go's layout for them. */
    private static final Map<String, String> NAMED = Map.ofEntries(
            Map.entry("RFC3339", "rfc3339"), Map.entry("RFC3339Nano", "rfc3339nano"),
            Map.entry("Unix", "unix"), Map.entry("UnixMs", "unix_ms"), Map.entry("UnixUs", "unix_us"),
            Map.entry("UnixNs", "unix_ns"),
            Map.entry("ANSIC", "Mon Jan _2 15:04:05 2006"), Map.entry("UnixDate", "Mon Jan _2 15:04:05 MST 2006"),
            Map.entry("RubyDate", "Mon Jan 02 15:04:05 -0700 2006"), Map.entry("RFC822", "02 Jan 06 15:04 MST"),
            Map.entry("RFC822Z", "02 Jan 06 15:04 -0700"), Map.entry("RFC850", "Monday, 02-Jan-06 15:04:05 MST"),
            Map.entry("RFC1123", "Mon, 02 Jan 2006 15:04:05 MST"), Map.entry("RFC1123Z", "Mon, 02 Jan 2006 15:04:05 -0700"),
            Map.entry("Kitchen", "3:04PM"), Map.entry("Stamp", "Jan _2 15:04:05"),
            Map.entry("StampMilli", "Jan _2 15:04:05.000"), Map.entry("StampMicro", "Jan _2 15:04:05.000000"),
            Map.entry("StampNano", "Jan _2 15:04:05.000000000"));

    /** The {@code timestamp} stage format for a Promtail format (a name or a Go layout). */
    static String toFormat(String promtail) {
        String named = NAMED.get(promtail);
        if (named != null && !named.contains(" ") && !named.contains(":")) return named;
        String layout = named != null ? named : promtail;
        if (layout.equals("2006-01-02T15:04:05Z07:00") || layout.equals("2006-01-02T15:04:05.999999999Z07:00")) {
            return layout.contains(".999") ? "rfc3339nano" : "rfc3339";
        }
        return toPattern(layout);
    }

    /** A Go layout as a java.time pattern; text that is no element of Go's layout is kept as a quoted literal. */
    static String toPattern(String layout) {
        StringBuilder out = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        int n = layout.length();
        while (i < n) {
            String rest = layout.substring(i);
            String[] hit = chunk(rest, i > 0 && Character.isDigit(layout.charAt(i - 1)));
            if (hit == null) {
                literal.append(layout.charAt(i++));
                continue;
            }
            flushLiteral(out, literal);
            out.append(hit[1]);
            i += hit[0].length();
        }
        flushLiteral(out, literal);
        return out.toString();
    }

    private static final String[][] CHUNKS = {
        {"January", "MMMM"}, {"Jan", "MMM"}, {"Monday", "EEEE"}, {"Mon", "EEE"}, {"MST", "z"},
        {"2006", "yyyy"}, {"-07:00:00", "xxxxx"}, {"-070000", "xxxx"}, {"-07:00", "xxx"}, {"-0700", "xx"}, {"-07", "x"},
        {"Z07:00:00", "XXXXX"}, {"Z070000", "XXXX"}, {"Z07:00", "XXX"}, {"Z0700", "XX"}, {"Z07", "X"},
        {"002", "DDD"}, {"01", "MM"}, {"02", "dd"}, {"03", "hh"}, {"04", "mm"}, {"05", "ss"}, {"06", "yy"},
        {"15", "HH"}, {"_2", "ppd"}, {"PM", "a"}, {"pm", "a"},
        {"1", "M"}, {"2", "d"}, {"3", "h"}, {"4", "m"}, {"5", "s"},
    };

    /** The Go element {@code rest} starts with and its java.time equivalent, or null. */
    private static String[] chunk(String rest, boolean afterDigit) {
        char c = rest.charAt(0);
        if ((c == '.' || c == ',') && rest.length() > 1 && (rest.charAt(1) == '0' || rest.charAt(1) == '9') && afterDigit) {
            char d = rest.charAt(1);
            int j = 1;
            while (j < rest.length() && rest.charAt(j) == d) j++;
            if (j == rest.length() || !Character.isDigit(rest.charAt(j))) {
                int digits = j - 1;
                String sep = c == '.' ? "." : ",";
                if (d == '0') return new String[] {rest.substring(0, j), sep + "S".repeat(digits)};
                StringBuilder opt = new StringBuilder(); // .999: as many digits as there are, trailing zeros left out
                for (int k = digits; k >= 1; k--) opt.append('[').append(sep).append("S".repeat(k)).append(']');
                return new String[] {rest.substring(0, j), opt.toString()};
            }
        }
        for (String[] ch : CHUNKS) {
            if (rest.startsWith(ch[0])) {
                // "Jan" inside a word ("Janitor") and digits inside a longer number are Go elements too; Go does the same
                return ch;
            }
        }
        return null;
    }

    private static void flushLiteral(StringBuilder out, StringBuilder literal) {
        if (literal.isEmpty()) return;
        String s = literal.toString();
        boolean needsQuote = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLetter(c) || c == '\'' || c == '[' || c == ']' || c == '#' || c == '{' || c == '}') needsQuote = true;
        }
        if (needsQuote) out.append('\'').append(s.replace("'", "''")).append('\'');
        else out.append(s);
        literal.setLength(0);
    }
}
