package io.outrigger.parsers.process;

import java.util.List;

/**
 * {@code - redact: {preset: credit_card}}, {@code {presets: [email, bearer_token], fields: [user]}} or
 * {@code {pattern: 'password=\S+', replacement: 'password=***'}}: replaces matches in the message and the listed
 * fields.
 *
 * @param pattern     a regex; if it has a group named {@code secret}, only that group is replaced
 * @param preset      one of credit_card (Luhn-checked), bearer_token, email
 * @param presets     several presets
 * @param replacement the text put in place of a match (default {@code [REDACTED]})
 * @param fields      text fields to redact as well as the message
 */
public record RedactConfig(String pattern, String preset, List<String> presets, String replacement,
                           List<String> fields) {
    public RedactConfig {
        presets = presets == null ? List.of() : List.copyOf(presets);
        if (replacement == null) replacement = "[REDACTED]";
        fields = fields == null ? List.of() : List.copyOf(fields);
    }

    public RedactConfig() { this(null, null, null, null, null); }
}
