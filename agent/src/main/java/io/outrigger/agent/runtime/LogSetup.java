package io.outrigger.agent.runtime;

import io.outrigger.core.event.RecordJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The agent's own logs: one line per event on stderr, JSON by default ({@code {"time":..,"level":..,"logger":..,
 * "msg":..}}) so the log pipeline of the cluster can read them, or plain text. {@code System.Logger} routes here
 * through java.util.logging.
 */
public final class LogSetup {

    private LogSetup() {}

    public static void configure(String format, String level) {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) root.removeHandler(h);
        ConsoleHandler handler = new ConsoleHandler();
        handler.setLevel(Level.ALL);
        handler.setFormatter("text".equals(format) ? new TextFormatter() : new JsonFormatter());
        root.addHandler(handler);
        Level agent = switch (level == null ? "info" : level.toLowerCase(Locale.ROOT)) {
            case "error" -> Level.SEVERE;
            case "warn" -> Level.WARNING;
            case "debug" -> Level.FINE;
            default -> Level.INFO;
        };
        root.setLevel(agent);
        // The clients' own logs (through SLF4J: Kafka's, and Elasticsearch's HTTP client) only at error unless
        // debugging: at info the Kafka client prints its whole config at each start, and at warn a line per
        // reconnect attempt while a broker is down, which the outputs' own retries and readiness already report.
        for (Logger l : LIBRARIES) l.setLevel(agent.intValue() <= Level.FINE.intValue() ? agent : Level.SEVERE);
    }

    /** Held, so the levels set on them are not lost when the loggers are garbage-collected. */
    private static final List<Logger> LIBRARIES = List.of(Logger.getLogger("org.apache.kafka"), Logger.getLogger("org.apache.hc"));

    static String levelName(Level l) {
        if (l.intValue() >= Level.SEVERE.intValue()) return "error";
        if (l.intValue() >= Level.WARNING.intValue()) return "warn";
        if (l.intValue() >= Level.INFO.intValue()) return "info";
        return "debug";
    }

    private static String shortLogger(String name) {
        if (name == null) return "";
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(dot + 1);
    }

    private static String throwable(LogRecord r) {
        if (r.getThrown() == null) return null;
        StringWriter sw = new StringWriter();
        r.getThrown().printStackTrace(new PrintWriter(sw));
        return sw.toString();
    }

    static final class JsonFormatter extends Formatter {
        @Override public String format(LogRecord r) {
            StringBuilder sb = new StringBuilder(200);
            sb.append("{\"time\":\"").append(Instant.ofEpochMilli(r.getMillis())).append("\",\"level\":\"")
                    .append(levelName(r.getLevel())).append("\",\"logger\":");
            RecordJson.appendString(sb, shortLogger(r.getLoggerName()));
            sb.append(",\"msg\":");
            RecordJson.appendString(sb, formatMessage(r));
            String t = throwable(r);
            if (t != null) {
                sb.append(",\"error\":");
                RecordJson.appendString(sb, t);
            }
            return sb.append("}\n").toString();
        }
    }

    static final class TextFormatter extends Formatter {
        @Override public String format(LogRecord r) {
            String t = throwable(r);
            return Instant.ofEpochMilli(r.getMillis()) + " " + levelName(r.getLevel()).toUpperCase(Locale.ROOT) + " "
                    + shortLogger(r.getLoggerName()) + ": " + formatMessage(r) + "\n" + (t == null ? "" : t);
        }
    }
}
