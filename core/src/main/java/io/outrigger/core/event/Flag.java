package io.outrigger.core.event;

/** Marks a record carries for what happened to it on the way; outputs render them under {@code log.flags}. */
public enum Flag {
    /** The line was longer than {@code max_line_bytes} and was cut. */
    TRUNCATED("truncated"),
    /** The line held bytes that were not valid UTF-8; they were replaced with U+FFFD. */
    INVALID_UTF8("invalid_utf8"),
    /** A parser stage could not parse the record; the message was kept. */
    PARSE_ERROR("parse_error"),
    /** The timestamp stage could not parse the time; the read time was kept. */
    TIMESTAMP_UNPARSED("timestamp_unparsed"),
    /** A multiline or partial-line join was cut at its cap. */
    JOIN_CAPPED("join_capped");

    private final String label;

    Flag(String label) { this.label = label; }

    public String label() { return label; }

    public int bit() { return 1 << ordinal(); }
}
