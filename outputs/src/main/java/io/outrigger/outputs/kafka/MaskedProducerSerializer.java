package io.outrigger.outputs.kafka;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.util.Map;

/** Writes the {@code producer:} map with secret values masked, should anything print a config as JSON or YAML. */
final class MaskedProducerSerializer extends StdSerializer<Map<String, String>> {

    private static final long serialVersionUID = 1L;

    @SuppressWarnings({"unchecked", "rawtypes"})
    MaskedProducerSerializer() { super((Class) Map.class); }

    @Override
    public void serialize(Map<String, String> value, JsonGenerator gen, SerializerProvider provider) throws IOException {
        gen.writeStartObject();
        for (Map.Entry<String, String> e : ProducerProperties.masked(value).entrySet()) {
            gen.writeStringField(e.getKey(), e.getValue());
        }
        gen.writeEndObject();
    }
}
