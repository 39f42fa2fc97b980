package io.outrigger.core.pipeline;

import io.outrigger.core.config.ConfigProblem;
import java.util.List;

/**
 * Makes one kind of component from its config. Implementations are found with {@link java.util.ServiceLoader}
 * (list them in {@code META-INF/services/<the sub-interface>}); the YAML {@code type:} (or, for a stage, its key)
 * selects one by {@link #type()}; the loader binds the component's YAML block to {@link #configType()} (a record,
 * snake_case keys, unknown keys rejected) and then calls {@link #validate}.
 *
 * @param <C> the config record
 */
public interface ComponentFactory<C> {

    /** The {@code type:} value, e.g. {@code "file"}, {@code "loki"}, {@code "json"}. */
    String type();

    Class<C> configType();

    /**
     * Checks what binding cannot: value ranges, patterns that compile, files that exist. Report every problem,
     * each with its key path relative to the component ({@code "pattern"}, {@code "hosts[0]"}).
     */
    default List<ConfigProblem> validate(C config) { return List.of(); }
}
