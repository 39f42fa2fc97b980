package io.outrigger.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class FieldsTest {

    private static Fields.Builder full() {
        Fields.Builder b = Fields.builder();
        for (int i = 0; i < 8; i++) b.put("f" + i, Value.of(i)); // fills the builder to its capacity: built without a copy
        return b;
    }

    @Test
    void aBuiltFieldsNeverChangesWhenItsBuilderGoesOn() {
        Fields.Builder b = full();
        Fields first = b.build();
        b.put("f0", Value.of("changed")).put("f8", Value.of(8)).remove("f1");
        Fields second = b.build();

        assertEquals(8, first.size());
        assertEquals(Value.of(0), first.get("f0"));
        assertEquals(Value.of(1), first.get("f1"));
        assertNull(first.get("f8"));
        assertEquals(8, second.size());
        assertEquals(Value.of("changed"), second.get("f0"));
        assertNull(second.get("f1"));
        assertEquals(Value.of(8), second.get("f8"));
    }

    @Test
    void removeAfterBuildCopiesFirst() {
        Fields.Builder b = full();
        Fields built = b.build();
        b.remove("f7");
        assertEquals(Value.of(7), built.get("f7"));
        assertEquals(7, b.build().size());
    }

    @Test
    void namesMatchByValueNotOnlyByIdentity() {
        Fields.Builder b = Fields.builder().put("level", Value.of("INFO"));
        b.put(new String("level".toCharArray()), Value.of("WARN"));
        Fields f = b.build();
        assertEquals(1, f.size());
        assertEquals(Value.of("WARN"), f.get("level"));
    }
}
