package io.outrigger.core.pipeline;

/** Makes inputs of one {@code type}. */
public interface InputFactory<C> extends ComponentFactory<C> {

    Input create(C config, ComponentContext context);
}
