package io.outrigger.bench.parsers;

import com.fasterxml.jackson.core.JsonFactory;
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
 * The {@code json} stage as it would be built on jackson-core's streaming parser, for comparison with the
 * {@code json} stage's own parser: the line's UTF-8 bytes (as the file input hands them) go to
 * {@link JsonFactory#createParser(byte[], int, int)}, whose symbol table interns the keys, and the members go
 * straight into the record's fields (no tree), nested objects kept as object values as the stage's default
 * ({@code flatten: false}) does. A line that does not parse is passed on unchanged (the benchmark's lines all parse).
 */
final class JacksonJsonStage implements Stage {

    private final JsonFactory factory = JsonFactory.builder().build();

    @Override public void process(LogRecord record, StageOutput out) {
        byte[] utf8 = record.utf8Message();
        if (utf8 == null) utf8 = record.message().getBytes(StandardCharsets.UTF_8);
        Fields.Builder fields = record.fields().toBuilder();
        try (JsonParser p = factory.createParser(utf8, 0, utf8.length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                out.accept(record);
                return;
            }
            readObject(p, fields);
            if (p.nextToken() != null) {
                out.accept(record);
                return;
            }
        } catch (IOException e) {
            out.accept(record);
            return;
        }
        out.accept(record.toBuilder().fields(fields.build()).build());
    }

    private static void readObject(JsonParser p, Fields.Builder into) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            into.put(name, value(p, p.nextToken()));
        }
        if (t != JsonToken.END_OBJECT) throw new IOException("unexpected token " + t);
    }

    private static Value value(JsonParser p, JsonToken t) throws IOException {
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
                JsonToken n;
                while ((n = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    nested.put(name, value(p, p.nextToken()));
                }
                if (n != JsonToken.END_OBJECT) throw new IOException("unterminated object");
                yield new Value.Obj(nested.build());
            }
            case START_ARRAY -> {
                List<Value> values = new ArrayList<>();
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (e == null) throw new IOException("unterminated array");
                    values.add(value(p, e));
                }
                yield new Value.Arr(values);
            }
            default -> throw new IOException("unexpected token " + t);
        };
    }
}
