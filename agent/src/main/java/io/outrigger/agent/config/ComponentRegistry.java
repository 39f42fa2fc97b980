package io.outrigger.agent.config;

/** STUB until the config loader lands. */
public final class ComponentRegistry {
    public static ComponentRegistry load() { return new ComponentRegistry(); }
}
