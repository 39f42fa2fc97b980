package io.outrigger.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.time.Duration;

/**
 * Jackson bindings for the typed config values ({@link ByteSize}, {@link Duration} as {@code 5s},
 * {@link Secret}), and a mapper that binds component configs: snake_case keys, unknown keys rejected.
 *
 * <p>The agent binds configs with {@link RecordBinder}, which follows the same rules without building an
 * ObjectMapper (a few hundred milliseconds of start-up CPU); this mapper is for tests and benchmarks that bind
 * configs from JSON text, and {@code RecordBinderJacksonParityTest} keeps the two in step.
 */
public final class ConfigModule extends SimpleModule {

    private static final long serialVersionUID = 1L;

    public ConfigModule() {
        super("outrigger-config");
        addDeserializer(ByteSize.class, new JsonDeserializer<>() {
            @Override public ByteSize deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) return ByteSize.ofBytes(p.getLongValue());
                try {
                    return ByteSize.parse(p.getValueAsString(""));
                } catch (IllegalArgumentException e) {
                    throw ctx.weirdStringException(p.getText(), ByteSize.class, e.getMessage());
                }
            }
        });
        addDeserializer(Duration.class, new JsonDeserializer<>() {
            @Override public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                if (p.currentToken() == JsonToken.VALUE_NUMBER_INT && p.getLongValue() == 0) return Duration.ZERO;
                if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                    throw ctx.weirdStringException(p.getText(), Duration.class,
                            "a duration needs a unit, e.g. " + p.getText() + "s or " + p.getText() + "ms");
                }
                try {
                    return Durations.parse(p.getValueAsString(""));
                } catch (IllegalArgumentException e) {
                    throw ctx.weirdStringException(p.getText(), Duration.class, e.getMessage());
                }
            }
        });
        addDeserializer(Secret.class, new JsonDeserializer<>() {
            @Override public Secret deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                return Secret.of(p.getValueAsString(""));
            }
        });
    }

    /** The mapper that binds component config records from a JSON tree. */
    public static ObjectMapper newMapper() {
        return JsonMapper.builder()
                .addModule(new ConfigModule())
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .build();
    }
}
