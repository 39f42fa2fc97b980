package io.outrigger.agent.config;

import io.outrigger.core.pipeline.ComponentFactory;
import io.outrigger.core.pipeline.InputFactory;
import io.outrigger.core.pipeline.OutputFactory;
import io.outrigger.core.pipeline.StageFactory;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/**
 * The component factories the agent knows, by {@code type}: found with {@link ServiceLoader} ({@link #load()}) or
 * given explicitly (tests). Two factories for the same type, or a stage factory named {@code match} (a key the
 * loader handles itself), are packaging mistakes and fail at construction.
 */
public final class ComponentRegistry {

    /** The stage key the loader handles itself (conditional sub-pipelines); no factory may take it. */
    static final String MATCH = "match";

    private final Map<String, InputFactory<?>> inputs;
    private final Map<String, StageFactory<?>> stages;
    private final Map<String, OutputFactory<?>> outputs;

    public ComponentRegistry(List<? extends InputFactory<?>> inputs, List<? extends StageFactory<?>> stages,
                             List<? extends OutputFactory<?>> outputs) {
        this.inputs = index("input", inputs);
        this.stages = index("stage", stages);
        this.outputs = index("output", outputs);
        if (this.stages.containsKey(MATCH)) {
            throw new IllegalArgumentException("stage type \"match\" is reserved for conditional stages, but "
                    + this.stages.get(MATCH).getClass().getName() + " claims it");
        }
    }

    /** The factories registered in {@code META-INF/services} on the context class loader's class path. */
    public static ComponentRegistry load() {
        return load(Thread.currentThread().getContextClassLoader());
    }

    /** The factories registered in {@code META-INF/services} visible to {@code loader}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static ComponentRegistry load(ClassLoader loader) {
        List in = ServiceLoader.load(InputFactory.class, loader).stream().map(ServiceLoader.Provider::get).toList();
        List st = ServiceLoader.load(StageFactory.class, loader).stream().map(ServiceLoader.Provider::get).toList();
        List out = ServiceLoader.load(OutputFactory.class, loader).stream().map(ServiceLoader.Provider::get).toList();
        return new ComponentRegistry(in, st, out);
    }

    public Optional<InputFactory<?>> input(String type) { return Optional.ofNullable(inputs.get(type)); }

    public Optional<StageFactory<?>> stage(String type) { return Optional.ofNullable(stages.get(type)); }

    public Optional<OutputFactory<?>> output(String type) { return Optional.ofNullable(outputs.get(type)); }

    /** Sorted. */
    public Set<String> inputTypes() { return Collections.unmodifiableSet(inputs.keySet()); }

    /** Sorted; without {@code match}, which the loader handles itself. */
    public Set<String> stageTypes() { return Collections.unmodifiableSet(stages.keySet()); }

    /** Sorted. */
    public Set<String> outputTypes() { return Collections.unmodifiableSet(outputs.keySet()); }

    private static <F extends ComponentFactory<?>> Map<String, F> index(String kind, List<? extends F> factories) {
        Map<String, F> byType = new TreeMap<>();
        for (F f : factories) {
            String type = f.type();
            if (type == null || type.isBlank()) {
                throw new IllegalArgumentException(kind + " factory " + f.getClass().getName() + " has no type");
            }
            F previous = byType.putIfAbsent(type, f);
            if (previous != null) {
                throw new IllegalArgumentException("two " + kind + " factories for type \"" + type + "\": "
                        + previous.getClass().getName() + " and " + f.getClass().getName());
            }
        }
        return byType;
    }
}
