package io.outrigger.parsers;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Decides whether a line continues the record being joined. Stateful rules keep their state in {@link Pending#state}. */
interface LineRule {

    List<String> PRESETS = List.of("go", "java", "python");

    /** The state of a record that starts with {@code line}. */
    default int startState(String line) { return 0; }

    /** Whether {@code line} belongs to {@code p}; may update {@code p.state}. */
    boolean continues(Pending p, String line);

    static LineRule startPattern(Pattern pattern) {
        Matcher m = pattern.matcher("");
        return (p, line) -> !find(m, line, true);
    }

    static LineRule continuePattern(Pattern pattern) {
        Matcher m = pattern.matcher("");
        return (p, line) -> find(m, line, false);
    }

    /** {@code m.find()} on {@code line}; {@code onOverflow} if the pattern recursed too deep on a huge line. */
    private static boolean find(Matcher m, String line, boolean onOverflow) {
        try {
            return m.reset(line).find();
        } catch (StackOverflowError e) {
            return onOverflow;
        } finally {
            m.reset("");
        }
    }

    static LineRule preset(String name) {
        return switch (name) {
            case "java" -> new Java();
            case "python" -> new Python();
            case "go" -> new Go();
            default -> throw new IllegalArgumentException("unknown multiline preset " + name);
        };
    }

    /**
     * Java stack traces: frames ({@code \tat }, {@code     at }), {@code ... N more}, {@code Caused by:},
     * {@code Suppressed:}, and an exception line ({@code java.lang.IllegalStateException: boom}) right after the
     * log line that reported it.
     */
    final class Java implements LineRule {
        private final Matcher exception = Pattern.compile(
                "^(?:[a-zA-Z_$][\\w$]*\\.)+[A-Za-z_$][\\w$]*(?:Exception|Error|Throwable|Failure)(?::.*)?$").matcher("");

        @Override public boolean continues(Pending p, String line) {
            int i = 0;
            int n = line.length();
            while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) i++;
            if (i > 0 && line.startsWith("at ", i)) return true;
            if (line.startsWith("... ", i) && (line.endsWith(" more") || line.endsWith("omitted"))) return true;
            if (line.startsWith("Caused by: ", i) || line.startsWith("Suppressed: ", i) || line.startsWith("Wrapped by: ", i)) {
                return true;
            }
            if (p.lines == 1 && i == 0 && n > 0 && (line.indexOf("Exception") > 0 || line.indexOf("Error") > 0
                    || line.indexOf("Throwable") > 0 || line.indexOf("Failure") > 0)) {
                try {
                    return exception.reset(line).matches();
                } catch (StackOverflowError e) {
                    return false;
                } finally {
                    exception.reset("");
                }
            }
            return false;
        }
    }

    /**
     * Python tracebacks: {@code Traceback (most recent call last):}, the indented frames, up to and including the
     * final {@code XxxError: msg} line; chained tracebacks ({@code During handling of the above exception...}) stay
     * in one record. A traceback right after a single log line joins it (what {@code logging.exception} writes).
     */
    final class Python implements LineRule {
        private static final int NONE = 0, IN_TRACE = 1, AFTER = 2;
        private static final String HEAD = "Traceback (most recent call last):";

        @Override public int startState(String line) { return line.startsWith(HEAD) ? IN_TRACE : NONE; }

        @Override public boolean continues(Pending p, String line) {
            if (line.startsWith(HEAD)) {
                if (p.state == AFTER || (p.state == NONE && p.lines == 1)) {
                    p.state = IN_TRACE;
                    return true;
                }
                return false;
            }
            if (p.state == IN_TRACE) {
                if (line.isEmpty() || line.charAt(0) == ' ' || line.charAt(0) == '\t') return true;
                p.state = AFTER; // the final "ValueError: message" line
                return true;
            }
            if (p.state == AFTER) {
                return line.isEmpty() || line.startsWith("During handling of the above exception")
                        || line.startsWith("The above exception was the direct cause");
            }
            return false;
        }
    }

    /** Go panics and goroutine dumps: everything from {@code panic:} / {@code fatal error:} / {@code goroutine N [} on. */
    final class Go implements LineRule {
        private static final int NONE = 0, IN_DUMP = 1;

        @Override public int startState(String line) {
            return line.startsWith("panic: ") || line.startsWith("fatal error: ")
                    || (line.startsWith("goroutine ") && line.indexOf(" [") > 0) ? IN_DUMP : NONE;
        }

        @Override public boolean continues(Pending p, String line) {
            if (!line.isEmpty() && line.charAt(0) == '\t') return true; // a frame's file:line always belongs to its frame
            if (p.state != IN_DUMP) return false;
            if (line.isEmpty() || line.charAt(0) == ' ') return true;
            if (line.startsWith("goroutine ") || line.startsWith("[signal ") || line.startsWith("created by ")
                    || line.startsWith("exit status ") || line.startsWith("panic: ") || line.startsWith("fatal error: ")
                    || line.startsWith("runtime stack:") || line.startsWith("[recovered]")) {
                return true;
            }
            return isFrame(line);
        }

        /**
         * {@code main.main()}, {@code net/http.(*conn).serve(0xc0001, {0x6b1e40, 0xc00006})}, the runtime's own
         * {@code panic({0x6a4b20?, 0xc000012345?})} (in every recovered and re-raised panic), {@code ...additional frames elided...}.
         */
        private static boolean isFrame(String line) {
            if (line.startsWith("...")) return true;
            int paren = line.indexOf('(');
            if (paren <= 0 || !line.endsWith(")")) return false;
            int space = line.indexOf(' ');
            return (space < 0 || space > paren) && (line.lastIndexOf('.', paren) > 0 || line.startsWith("panic("));
        }
    }
}
