package io.outrigger.parsers;

/**
 * {@code - timestamp: {source: ts, format: unix_ms}}.
 *
 * @param source   field holding the time (default {@code time}); dotted names reach into nested fields
 * @param format   auto (default: RFC 3339 / ISO 8601 text, or epoch seconds/ms/us/ns chosen by magnitude), rfc3339,
 *                 rfc3339nano, iso8601, unix, unix_ms, unix_us, unix_ns, rfc3164, or a java.time pattern such as
 *                 {@code yyyy-MM-dd HH:mm:ss.SSS} (a strftime pattern with {@code %} is translated)
 * @param timezone zone for times that carry no offset (default UTC)
 * @param remove   remove the source field once parsed (default false)
 * @param fallbackFormats formats tried in order when {@code format} does not parse the value (default none)
 */
public record TimestampConfig(String source, String format, String timezone, Boolean remove,
                              java.util.List<String> fallbackFormats) {
    public TimestampConfig {
        if (source == null) source = "time";
        if (format == null) format = "auto";
        if (timezone == null) timezone = "UTC";
        if (remove == null) remove = false;
        fallbackFormats = fallbackFormats == null ? java.util.List.of() : java.util.List.copyOf(fallbackFormats);
    }

    public TimestampConfig() { this(null, null, null, null, null); }
}
