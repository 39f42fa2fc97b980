package io.outrigger.outputs.loki;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.outrigger.core.event.Fields;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Value;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineRendererTest {

    private static final LogRecord RECORD = LogRecord.builder()
            .timestamp(Instant.parse("2026-11-27T08:00:00.123Z"))
            .message("hello")
            .fields(Fields.builder().put("level", "info")
                    .put("http", new Value.Obj(Fields.builder().put("status", Value.of(404)).build())).build())
            .build();

    private static String render(String template) { return LineRenderer.of("template", template).render(RECORD); }

    @Test void fieldsMessageAndDottedPaths() {
        assertEquals("[info] hello 404", render("[{{level}}] {{ message }} {{http.status}}"));
    }

    @Test void timestampIsRfc3339WithNanoseconds() {
        assertEquals("2026-11-27T08:00:00.123000000Z hello", render("{{timestamp}} {{message}}"));
    }

    @Test void missingFieldsRenderAsNothingAndSingleBracesAreLiteral() {
        assertEquals("{x} <> }}", render("{x} <{{nope}}> }}"));
    }

    @Test void aFieldNamedMessageWinsOverTheMessage() {
        LogRecord r = RECORD.toBuilder().fields(Fields.of("message", Value.of("from field"))).build();
        assertEquals("from field", LineRenderer.of("template", "{{message}}").render(r));
    }

    @Test void badTemplatesSayWhere() {
        assertEquals(List.of(), LineRenderer.checkTemplate("{{level}} {single}"));
        assertEquals(List.of("unclosed '{{' at position 4 (a field is written {{name}})"), LineRenderer.checkTemplate("abc {{level"));
        assertEquals(List.of("unclosed '{{' at position 0 (a field is written {{name}})"), LineRenderer.checkTemplate("{{a {{b}}"));
        assertEquals(List.of("empty field name '{{}}' at position 2"), LineRenderer.checkTemplate("x {{ }}"));
        assertEquals(List.of("template is empty"), LineRenderer.checkTemplate(""));
    }
}
