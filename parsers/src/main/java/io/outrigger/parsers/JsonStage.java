package io.outrigger.parsers;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.outrigger.core.event.Fields;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Value;
import io.outrigger.core.pipeline.Stage;
import io.outrigger.core.pipeline.StageOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON object lines to fields, with {@link JsonObjectParser} (a single pass over the line's UTF-8 bytes, no tokens
 * or tree). A record read as bytes ({@link LogRecord#utf8Message()}) is parsed as it is, never decoded as a whole;
 * text (a record given as text, or a named source field) is encoded once and parsed the same way, so a lone
 * surrogate in such text reaches the fields as {@code '?'}.
 * {@link #readValue} stays for stages that read JSON with Jackson's streaming parser (docker).
 */
final class JsonStage implements Stage {

    private final String source;
    private final String messageField;
    private final ParseErrors errors;
    private final JsonObjectParser parser;

    JsonStage(JsonConfig config, ParseErrors errors) {
        this.source = config.source();
        this.messageField = config.messageField();
        this.errors = errors;
        this.parser = new JsonObjectParser(config.flatten());
    }

    @Override public void process(LogRecord record, StageOutput out) {
        byte[] utf8 = sourceBytes(record);
        if (utf8 == null) {
            out.accept(errors.fail(record, "source field \"" + source + "\" missing"));
            return;
        }
        if (isBlank(utf8)) {
            out.accept(errors.fail(record, "empty line"));
            return;
        }
        Fields.Builder fields = record.fields().toBuilder();
        String problem = parser.parse(utf8, fields);
        if (problem != null) {
            out.accept(errors.fail(record, ParseErrors.clip(problem, 160)));
            return;
        }
        out.accept(withFields(record, fields, messageField));
    }

    /** The source as UTF-8: the record's own bytes when it has them, else its text encoded; null if missing. */
    private byte[] sourceBytes(LogRecord record) {
        byte[] own = record.utf8Message();
        if (own != null && (source == null || source.equals("message"))) return own;
        String text = ParseErrors.sourceText(record, source);
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    /** {@link String#isBlank()} of the decoded bytes, without decoding unless a non-ASCII char follows blanks. */
    static boolean isBlank(byte[] utf8) {
        for (int i = 0; i < utf8.length; i++) {
            int c = utf8[i];
            if (c < 0) return new String(utf8, i, utf8.length - i, StandardCharsets.UTF_8).isBlank();
            if (!Character.isWhitespace(c)) return false;
        }
        return true;
    }

    /** The record with the parsed fields; {@code messageField}'s text, if present, becomes the message. */
    static LogRecord withFields(LogRecord record, Fields.Builder fields, String messageField) {
        LogRecord.Builder b = record.toBuilder();
        if (messageField != null) {
            Value m = fields.get(messageField);
            if (m != null && !(m instanceof Value.Null)) {
                b.message(m.asText());
                fields.remove(messageField);
            }
        }
        return b.fields(fields.build()).build();
    }

    /** A value from Jackson's streaming parser, {@code t} being its first token. */
    static Value readValue(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case VALUE_STRING -> new Value.Str(p.getText());
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? new Value.Float(p.getDoubleValue()) : new Value.Int(p.getLongValue());
            case VALUE_NUMBER_FLOAT -> new Value.Float(p.getDoubleValue());
            case VALUE_TRUE -> Value.TRUE;
            case VALUE_FALSE -> Value.FALSE;
            case VALUE_NULL -> Value.NULL;
            case START_OBJECT -> {
                Fields.Builder nested = Fields.builder();
                readNested(p, nested);
                yield new Value.Obj(nested.build());
            }
            case START_ARRAY -> {
                List<Value> values = new ArrayList<>();
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (e == null) throw new IOException("unterminated array");
                    values.add(readValue(p, e));
                }
                yield new Value.Arr(values);
            }
            default -> throw new IOException("unexpected token " + t);
        };
    }

    private static void readNested(JsonParser p, Fields.Builder into) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            into.put(name, readValue(p, p.nextToken()));
        }
        if (t != JsonToken.END_OBJECT) throw new IOException("unterminated object");
    }
}
