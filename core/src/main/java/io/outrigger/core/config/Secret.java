package io.outrigger.core.config;

import java.util.Objects;

/**
 * A password, token or API key from the config. Its {@link #toString()} is masked, so a secret cannot reach a
 * log line, an error or {@code validate} output by accident; code that needs the value calls {@link #reveal()}.
 */
public final class Secret {

    private final String value;

    private Secret(String value) { this.value = Objects.requireNonNull(value, "value"); }

    public static Secret of(String value) { return new Secret(value); }

    public String reveal() { return value; }

    public boolean isEmpty() { return value.isEmpty(); }

    @Override public String toString() { return "******"; }

    @Override public boolean equals(Object o) { return o instanceof Secret s && s.value.equals(value); }

    @Override public int hashCode() { return value.hashCode(); }
}
