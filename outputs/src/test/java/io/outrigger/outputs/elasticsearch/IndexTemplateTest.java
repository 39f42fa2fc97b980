package io.outrigger.outputs.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.event.Fields;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Value;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IndexTemplateTest {

    @Test
    void constantTemplateRendersItself() {
        IndexTemplate t = IndexTemplate.parse("logs-app", true);
        assertEquals("logs-app", t.constant());
        assertEquals("logs-app", t.renderer().render(Fixtures.record(1)));
    }

    @Test
    void dateMathUsesRecordTimeInUtc() {
        IndexTemplate.Renderer r = IndexTemplate.parse("logs-app-%{+yyyy.MM.dd}", true).renderer();
        LogRecord lateEvening = LogRecord.builder().timestamp(Instant.parse("2026-12-31T23:59:59.999Z")).message("x").build();
        LogRecord newYear = LogRecord.builder().timestamp(Instant.parse("2027-01-01T00:00:00Z")).message("x").build();
        assertEquals("logs-app-2026.12.31", r.render(lateEvening));
        assertEquals("logs-app-2027.01.01", r.render(newYear));
        assertEquals("logs-app-2026.12.31", r.render(lateEvening));
    }

    @Test
    void fieldReferencesReadFieldsNestedFieldsAndLabels() {
        IndexTemplate.Renderer r = IndexTemplate.parse("logs-%{[app]}-%{[kubernetes][namespace]}-%{[level]}", true).renderer();
        Fields f = Fields.builder()
                .put("kubernetes", new Value.Obj(Fields.of("namespace", Value.of("Shop Prod"))))
                .put("level", Value.of("WARN"))
                .build();
        // app comes from the label; values are lowercased and the space (forbidden in index names) becomes _
        assertEquals("logs-checkout-shop_prod-warn", r.render(Fixtures.record(1, f)));
    }

    @Test
    void flatDottedFieldMatchesANestedReference() {
        IndexTemplate.Renderer r = IndexTemplate.parse("logs-%{[kubernetes][namespace]}", true).renderer();
        assertEquals("logs-shop", r.render(Fixtures.record(1, Fields.of("kubernetes.namespace", Value.of("shop")))));
    }

    @Test
    void missingFieldRendersNullAndNamesTheReference() {
        IndexTemplate.Renderer r = IndexTemplate.parse("logs-%{[team]}", true).renderer();
        assertNull(r.render(Fixtures.record(1)));
        assertEquals("[team]", r.missing());
    }

    @Test
    void badTemplatesSayWhatToFix() {
        assertEquals("invalid date pattern \"yyyy.MM.ddbb\" in %{+yyyy.MM.ddbb}: Unknown pattern letter: b",
                assertThrows(IllegalArgumentException.class, () -> IndexTemplate.parse("logs-%{+yyyy.MM.ddbb}", true)).getMessage());
        assertEquals("unknown reference %{app} (expected %{[field]} or %{+yyyy.MM.dd})",
                assertThrows(IllegalArgumentException.class, () -> IndexTemplate.parse("logs-%{app}", true)).getMessage());
        assertEquals("unclosed \"%{\" at position 5 in \"logs-%{+yyyy\"",
                assertThrows(IllegalArgumentException.class, () -> IndexTemplate.parse("logs-%{+yyyy", true)).getMessage());
        assertEquals("\"Logs-app\" must be lowercase (Elasticsearch index names are)",
                assertThrows(IllegalArgumentException.class, () -> IndexTemplate.parse("Logs-app", true)).getMessage());
        assertEquals("date math %{+yyyy} is not allowed here (a data stream rolls over by itself)",
                assertThrows(IllegalArgumentException.class, () -> IndexTemplate.parse("logs-%{+yyyy}", false)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> IndexTemplate.parse("logs app", true))
                .getMessage().contains("contains ' '"));
    }

    @Test
    void knowsWhetherItHasDates() {
        assertTrue(IndexTemplate.parse("a-%{+yyyy}", true).hasDates());
        assertFalse(IndexTemplate.parse("a-%{[b]}", true).hasDates());
    }
}
