package io.outrigger.parsers;

/**
 * {@code - json} or {@code - json: {source: log, flatten: true, message_field: msg}}.
 *
 * @param source       field holding the JSON text; the message when not set
 * @param flatten      join nested object keys with {@code .} instead of keeping nested objects
 * @param messageField if set and present, that field's text becomes the message and the field is removed
 */
public record JsonConfig(String source, Boolean flatten, String messageField) {
    public JsonConfig {
        if (flatten == null) flatten = false;
    }

    public JsonConfig() { this(null, null, null); }
}
