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

    /** Random puts, replaces and removes over names that share hash bits behave as a LinkedHashMap does. */
    @Test
    void behavesAsAnInsertionOrderedMap() {
        java.util.Random rnd = new java.util.Random(3);
        for (int round = 0; round < 2000; round++) {
            java.util.Map<String, Value> want = new java.util.LinkedHashMap<>();
            Fields.Builder b = rnd.nextBoolean() ? Fields.builder() : Fields.of("k0", Value.of(0)).toBuilder();
            if (b.size() == 1) want.put("k0", Value.of(0));
            for (int op = 0; op < 30; op++) {
                String name = "k" + rnd.nextInt(90); // 90 names over 64 bits: bits are shared
                if (rnd.nextInt(4) == 0) {
                    b.remove(new String(name.toCharArray()));
                    want.remove(name);
                } else {
                    Value v = Value.of(op);
                    b.put(rnd.nextBoolean() ? name : new String(name.toCharArray()), v);
                    want.put(name, v);
                }
                assertEquals(want.get(name), b.get(name));
            }
            assertEquals(want, b.build().asMap());
        }
    }
}
