package io.outrigger.core.pipeline;

import io.outrigger.core.config.OutputSettings;

/** Makes outputs of one {@code type}. Its config record implements {@link OutputSettings}. */
public interface OutputFactory<C extends OutputSettings> extends ComponentFactory<C> {

    Output create(C config, ComponentContext context);

    /**
     * Null when records without labels are fine for an output made from {@code config}; else what to do about it
     * (Loki: every stream needs a label, and this output has no static ones). The config check then requires a
     * stage that sets labels in every pipeline that sends to it.
     */
    default String labelsNeeded(C config) { return null; }
}
