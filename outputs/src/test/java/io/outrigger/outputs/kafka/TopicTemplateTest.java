package io.outrigger.outputs.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.event.Fields;
import io.outrigger.core.event.Labels;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Value;
import org.junit.jupiter.api.Test;

class TopicTemplateTest {

    private final StringBuilder sb = new StringBuilder();

    private static LogRecord rec(Fields f, Labels l) {
        return LogRecord.builder().message("m").fields(f).labels(l).build();
    }

    @Test
    void constantNeedsNoRecord() {
        TopicTemplate t = TopicTemplate.parse("logs.app_1-x");
        assertTrue(t.isConstant());
        assertEquals("logs.app_1-x", t.render(rec(Fields.EMPTY, Labels.EMPTY), sb));
    }

    @Test
    void placeholdersFromFieldsDottedPathsAndLabels() {
        TopicTemplate t = TopicTemplate.parse("logs-{{app}}-{{k8s.ns}}-{{team}}");
        assertFalse(t.isConstant());
        Fields f = Fields.builder().put("app", "web")
                .put("k8s", new Value.Obj(Fields.of("ns", Value.of("prod")))).build();
        assertEquals("logs-web-prod-core", t.render(rec(f, Labels.of("team", "core")), sb));
    }

    @Test
    void numbersRenderAsText() {
        TopicTemplate t = TopicTemplate.parse("p{{n}}");
        assertEquals("p42", t.render(rec(Fields.of("n", Value.of(42L)), Labels.EMPTY), sb));
    }

    @Test
    void missingFieldUsesTheLiteralDefaultOrNothing() {
        assertEquals("logs-unknown", TopicTemplate.parse("logs-{{app|unknown}}").render(rec(Fields.EMPTY, Labels.EMPTY), sb));
        assertEquals("logs-", TopicTemplate.parse("logs-{{app}}").render(rec(Fields.EMPTY, Labels.EMPTY), sb));
        assertEquals("logs-web", TopicTemplate.parse("logs-{{ app | unknown }}")
                .render(rec(Fields.of("app", Value.of("web")), Labels.EMPTY), sb));
    }

    @Test
    void validTopicNames() {
        assertTrue(TopicTemplate.isValidTopic("a.b_c-D9"));
        assertFalse(TopicTemplate.isValidTopic(""));
        assertFalse(TopicTemplate.isValidTopic("my app"));
        assertFalse(TopicTemplate.isValidTopic(".."));
        assertFalse(TopicTemplate.isValidTopic("x".repeat(250)));
    }

    @Test
    void badTemplatesSayWhatToFix() {
        assertEquals("unclosed \"{{\" at position 5 in \"logs-{{app\"",
                assertThrows(IllegalArgumentException.class, () -> TopicTemplate.parse("logs-{{app")).getMessage());
        assertEquals("empty field name in \"{{}}\" (write {{field}} or {{field|default}})",
                assertThrows(IllegalArgumentException.class, () -> TopicTemplate.parse("logs-{{}}")).getMessage());
        assertEquals("\"}}\" without \"{{\" at position 4 in \"logs}}\"",
                assertThrows(IllegalArgumentException.class, () -> TopicTemplate.parse("logs}}")).getMessage());
        assertEquals("' ' is not allowed in a topic name in \"my logs-{{app}}\" (use letters, digits, '.', '_' and '-')",
                assertThrows(IllegalArgumentException.class, () -> TopicTemplate.parse("my logs-{{app}}")).getMessage());
        assertEquals("'/' is not allowed in a topic name in default \"a/b\" (use letters, digits, '.', '_' and '-')",
                assertThrows(IllegalArgumentException.class, () -> TopicTemplate.parse("l-{{app|a/b}}")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> TopicTemplate.parse("x".repeat(250)));
    }
}
