package io.outrigger.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvSubstitutionTest {

    private final EnvSubstitution env = new EnvSubstitution(Map.of("A", "alpha", "EMPTY", "", "N", "5"));

    @Test
    void substitutes() {
        assertEquals(new EnvSubstitution.Result("alpha", true, List.of()), env.apply("${A}"));
        assertEquals(new EnvSubstitution.Result("x-alpha-5", false, List.of()), env.apply("x-${A}-${N}"));
        assertEquals(new EnvSubstitution.Result("d", true, List.of()), env.apply("${UNSET:-d}"));
        assertEquals(new EnvSubstitution.Result("", true, List.of()), env.apply("${UNSET:-}"));
        assertEquals(new EnvSubstitution.Result("", true, List.of()), env.apply("${EMPTY}"), "set but empty is set");
        assertEquals(new EnvSubstitution.Result("fallback", true, List.of()), env.apply("${EMPTY:-fallback}"));
        assertEquals(new EnvSubstitution.Result("a:-b", true, List.of()), env.apply("${UNSET:-a:-b}"));
        assertEquals(new EnvSubstitution.Result("alphaalpha", false, List.of()), env.apply("${A}${A}"));
    }

    @Test
    void escapesAndLoneDollarsStayLiteral() {
        assertEquals(new EnvSubstitution.Result("${A}", false, List.of()), env.apply("$${A}"));
        assertEquals(new EnvSubstitution.Result("${N} and $$ and $x and 5", false, List.of()),
                env.apply("$${N} and $$ and $x and ${N}"));
        assertEquals(new EnvSubstitution.Result("no dollars", false, List.of()), env.apply("no dollars"));
    }

    @Test
    void problems() {
        assertEquals(List.of("environment variable NOPE is not set (use ${NOPE:-default} to give a default)"),
                env.apply("${NOPE}").problems());
        assertEquals(List.of("unclosed \"${\" (write $${ for a literal ${)"), env.apply("a ${A").problems());
        assertEquals(List.of("invalid variable reference \"${a b}\" (expected ${NAME} or ${NAME:-default};"
                + " write $${ for a literal ${)"), env.apply("${a b}").problems());
    }
}
