package io.outrigger.core.pipeline;

/**
 * Makes stages of one kind. A stage is written in a pipeline's {@code stages:} list as a one-key map,
 * {@code - regex: {pattern: ...}}, or as a bare name when it needs no options ({@code - json}); the key is
 * {@link #type()}. {@link #create} is called once per input feeding the pipeline, so each chain has its own state.
 */
public interface StageFactory<C> extends ComponentFactory<C> {

    Stage create(C config, ComponentContext context);

    /** Whether stages made from {@code config} set labels on records (checked for outputs that need labels). */
    default boolean setsLabels(C config) { return false; }
}
