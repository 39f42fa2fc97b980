package io.outrigger.parsers;

import java.util.Map;

/**
 * {@code - regex: {pattern: '^(?<level>\w+) (?<msg>.*)$', types: {status: int}}} or
 * {@code - regex: {preset: nginx_combined}}.
 *
 * @param pattern    a Java regex whose named groups become fields; a group named {@code message} replaces the message
 * @param preset     a built-in pattern: nginx_combined, apache_common, apache_error, syslog_rfc3164, syslog_rfc5424
 * @param types      field -> int, float, bool or string; a typed value that does not convert stays a string, and
 *                   {@code -} or an empty value is left out
 * @param source     field holding the text; the message when not set
 * @param timeKey    field holding the record time (default {@code time}), used when a time format applies
 * @param timeFormat how to read {@code time_key} (see the timestamp stage); presets bring their own, {@code none}
 *                   keeps the read time
 * @param timezone   zone for times without an offset (default UTC)
 */
public record RegexConfig(String pattern, String preset, Map<String, String> types, String source, String timeKey,
                          String timeFormat, String timezone) {
    public RegexConfig {
        types = types == null ? Map.of() : Map.copyOf(types);
        if (timeKey == null) timeKey = "time";
        if (timezone == null) timezone = "UTC";
    }

    public RegexConfig() { this(null, null, null, null, null, null, null); }
}
