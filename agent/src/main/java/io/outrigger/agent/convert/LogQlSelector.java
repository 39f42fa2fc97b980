package io.outrigger.agent.convert;

import java.util.ArrayList;
import java.util.List;

/**
 * A LogQL stream selector with optional line filters, as Promtail's {@code match} stage takes it:
 * {@code {app="api", level=~"warn|error"} |= "timeout" != "debug"}. Parse pipelines ({@code | json}) are not taken.
 */
record LogQlSelector(List<Matcher> matchers, List<LineFilter> filters) {

    /** {@code name op "value"}, op one of {@code = != =~ !~}. */
    record Matcher(String label, String op, String value) {}

    /** {@code op "value"}, op one of {@code |= != |~ !~}. */
    record LineFilter(String op, String value) {}

    /** @throws IllegalArgumentException with what is wrong and where */
    static LogQlSelector parse(String text) {
        Parser p = new Parser(text);
        LogQlSelector s = p.selector();
        return s;
    }

    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s) { this.s = s; }

        LogQlSelector selector() {
            skipSpace();
            expect('{');
            List<Matcher> matchers = new ArrayList<>();
            skipSpace();
            if (peek() != '}') {
                while (true) {
                    skipSpace();
                    String name = name();
                    skipSpace();
                    String op = op("=~", "!~", "!=", "=");
                    skipSpace();
                    matchers.add(new Matcher(name, op, string()));
                    skipSpace();
                    if (peek() == ',') {
                        i++;
                        continue;
                    }
                    break;
                }
            }
            expect('}');
            List<LineFilter> filters = new ArrayList<>();
            skipSpace();
            while (i < s.length()) {
                if (s.startsWith("|=", i) || s.startsWith("!=", i) || s.startsWith("|~", i) || s.startsWith("!~", i)) {
                    String op = s.substring(i, i + 2);
                    i += 2;
                    skipSpace();
                    filters.add(new LineFilter(op, string()));
                    skipSpace();
                } else {
                    throw new IllegalArgumentException("only line filters (|= != |~ !~) may follow the selector, found \""
                            + s.substring(i) + "\"");
                }
            }
            return new LogQlSelector(List.copyOf(matchers), List.copyOf(filters));
        }

        private char peek() { return i < s.length() ? s.charAt(i) : '\0'; }

        private void skipSpace() { while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++; }

        private void expect(char c) {
            if (peek() != c) throw new IllegalArgumentException("expected '" + c + "' at index " + i + " of " + s);
            i++;
        }

        private String name() {
            int start = i;
            while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) i++;
            if (start == i) throw new IllegalArgumentException("expected a label name at index " + start + " of " + s);
            return s.substring(start, i);
        }

        private String op(String... ops) {
            for (String op : ops) {
                if (s.startsWith(op, i)) {
                    i += op.length();
                    return op;
                }
            }
            throw new IllegalArgumentException("expected one of = != =~ !~ at index " + i + " of " + s);
        }

        private String string() {
            char q = peek();
            if (q == '`') {
                int end = s.indexOf('`', i + 1);
                if (end < 0) throw new IllegalArgumentException("unclosed ` in " + s);
                String v = s.substring(i + 1, end);
                i = end + 1;
                return v;
            }
            if (q != '"') throw new IllegalArgumentException("expected a quoted string at index " + i + " of " + s);
            StringBuilder sb = new StringBuilder();
            i++;
            while (i < s.length() && s.charAt(i) != '"') {
                char c = s.charAt(i++);
                if (c == '\\' && i < s.length()) {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        default -> sb.append(e);
                    }
                } else {
                    sb.append(c);
                }
            }
            if (i >= s.length()) throw new IllegalArgumentException("unclosed \" in " + s);
            i++;
            return sb.toString();
        }
    }
}
