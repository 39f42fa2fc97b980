package io.outrigger.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.outrigger.core.config.BatchConfig;
import io.outrigger.core.config.ByteSize;
import io.outrigger.core.config.OutputSettings;
import io.outrigger.core.config.RetryConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentSettingsTest {

    record Out(BatchConfig batch, RetryConfig retry, Integer concurrency) implements OutputSettings {
        static Out of(int maxMiB, int concurrency) {
            return new Out(new BatchConfig(null, ByteSize.ofMiB(maxMiB), null), null, concurrency);
        }
    }

    private static final AgentSettings UNSET = AgentSettings.defaults();

    @Test
    void anUnsetBudgetHoldsWhatTheOutputsCanHaveInFlight() {
        assertEquals(8L << 20, UNSET.bufferBytesFor(List.of(Out.of(4, 2))), "kafka's defaults: 2 batches of 4MiB");
        assertEquals(10L << 20, UNSET.bufferBytesFor(List.of(Out.of(2, 1), Out.of(4, 2))), "summed over outputs");
        assertEquals(12L << 20, UNSET.bufferBytesFor(List.of(Out.of(6, 1))), "one in flight and the next filling");
    }

    @Test
    void anUnsetBudgetStaysWithinItsBounds() {
        assertEquals(4L << 20, UNSET.bufferBytesFor(List.of(Out.of(2, 1))), "a file output's 2MiB: the 4MiB floor");
        assertEquals(4L << 20, UNSET.bufferBytesFor(List.of()));
        assertEquals(4L << 20, UNSET.bufferBytesFor(List.of(new Out(null, null, null))), "1 batch of the default 1MiB");
        assertEquals(16L << 20, UNSET.bufferBytesFor(List.of(Out.of(5, 2), Out.of(4, 2))), "capped at 16MiB");
    }

    @Test
    void aSetBudgetIsKeptWhateverTheOutputs() {
        AgentSettings set = new AgentSettings(null, null, ByteSize.ofMiB(2), null, null, null, null, null);
        assertEquals(2L << 20, set.bufferBytesFor(List.of(Out.of(4, 2))));
        AgentSettings big = new AgentSettings(null, null, ByteSize.ofMiB(64), null, null, null, null, null);
        assertEquals(64L << 20, big.bufferBytesFor(List.of(Out.of(2, 1))));
    }
}
