package io.outrigger.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.agent.config.testplugins.FakeFileInput;
import io.outrigger.agent.config.testplugins.FakeJsonStage;
import io.outrigger.agent.config.testplugins.ProbeFactories;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ComponentRegistryTest {

    @Test
    void loadFindsFactoriesRegisteredForServiceLoader() throws Exception {
        URL services = Fixtures.resource("services").toUri().toURL();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {services}, getClass().getClassLoader())) {
            ComponentRegistry r = ComponentRegistry.load(loader);
            assertTrue(r.inputTypes().contains("test_probe"), r.inputTypes().toString());
            assertTrue(r.stageTypes().contains("test_probe"), r.stageTypes().toString());
            assertTrue(r.outputTypes().contains("test_probe"), r.outputTypes().toString());
            assertTrue(r.input("test_probe").orElseThrow() instanceof ProbeFactories.ProbeInput);
            assertTrue(r.stage("test_probe").orElseThrow() instanceof ProbeFactories.ProbeStage);
            assertTrue(r.output("test_probe").orElseThrow() instanceof ProbeFactories.ProbeOutput);
        }
    }

    @Test
    void loadWithTheDefaultClassLoaderWorks() {
        ComponentRegistry r = ComponentRegistry.load();
        assertFalse(r.inputTypes().contains("test_probe"), "the probes are only on their own class loader");
    }

    @Test
    void lookupsAndSortedTypeSets() {
        ComponentRegistry r = Fixtures.registry();
        assertEquals(List.of("file", "prometheus_scrape"), List.copyOf(r.inputTypes()));
        assertEquals(List.of("json", "regex"), List.copyOf(r.stageTypes()));
        assertEquals(List.of("http", "stdout"), List.copyOf(r.outputTypes()));
        assertTrue(r.input("file").isPresent());
        assertTrue(r.input("fiel").isEmpty());
        assertTrue(r.stage("match").isEmpty(), "match is the loader's, not a factory");
        assertThrows(UnsupportedOperationException.class, () -> r.inputTypes().add("x"));
    }

    @Test
    void twoFactoriesForOneTypeAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ComponentRegistry(List.of(new FakeFileInput(), new FakeFileInput()), List.of(), List.of()));
        assertEquals("two input factories for type \"file\": " + FakeFileInput.class.getName() + " and "
                + FakeFileInput.class.getName(), e.getMessage());
    }

    @Test
    void aStageFactoryMayNotClaimMatch() {
        StageFactory<FakeJsonStage.Config> match = new StageFactory<>() {
            @Override public String type() { return "match"; }

            @Override public Class<FakeJsonStage.Config> configType() { return FakeJsonStage.Config.class; }

            @Override public Stage create(FakeJsonStage.Config c, ComponentContext ctx) { return null; }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ComponentRegistry(List.of(), List.of(match), List.of()));
        assertTrue(e.getMessage().startsWith("stage type \"match\" is reserved"), e.getMessage());
    }

    @Test
    void anEmptyRegistryReportsNoKnownTypes() {
        ComponentRegistry empty = new ComponentRegistry(List.of(), List.of(), List.of());
        assertEquals(Set.of(), empty.inputTypes());
        assertEquals("inputs.app.type (line 3): unknown input type \"file\" (known: none)",
                Fixtures.problems(new ConfigLoader(Fixtures.ENV, empty), """
                        inputs:
                          app:
                            type: file
                        """).lines().filter(l -> l.startsWith("inputs.app")).findFirst().orElseThrow());
    }
}
