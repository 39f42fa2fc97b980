package io.outrigger.parsers;

/**
 * {@code - logfmt} or {@code - logfmt: {source: log, message_field: msg}}.
 *
 * @param source       field holding the text; the message when not set
 * @param messageField if set and present, that field's text becomes the message and the field is removed
 */
public record LogfmtConfig(String source, String messageField) {
    public LogfmtConfig() { this(null, null); }
}
