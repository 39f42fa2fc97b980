package io.outrigger.core.pipeline;

import io.outrigger.core.config.OutputSettings;

/** Makes outputs of one {@code type}. Its config record implements {@link OutputSettings}. */
public interface OutputFactory<C extends OutputSettings> extends ComponentFactory<C> {

    Output create(C config, ComponentContext context);
}
