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
import java.util.function.Consumer;

/**
 * Jackson bindings for the typed config values ({@link ByteSize} as {@code 64MiB} or a number of bytes,
 * {@link Duration} as {@code 5s}, {@link Secret} from any scalar), and the mapper every component config is bound
 * with: snake_case keys, unknown keys rejected, a primitive must be given.
 *
 * <p>A value these deserializers refuse goes through {@link DeserializationContext#handleWeirdStringValue} or
 * {@link DeserializationContext#handleWeirdNumberValue} with a message for the user ({@code invalid duration "5 sec"
 * (expected ...)}), so a {@code DeserializationProblemHandler} can report it and go on; without one Jackson throws
 * it. A reader given a {@code Consumer<String>} as the attribute {@link #SECRETS} hears every value bound to a
 * {@link Secret}, e.g. to mask it in messages.
 */
public final class ConfigModule extends SimpleModule {

    private static final long serialVersionUID = 1L;

    /** Attribute key ({@code ObjectReader.withAttribute}) of a {@code Consumer<String>} told every secret bound. */
    public static final Object SECRETS = Secret.class;

    public ConfigModule() {
        super("outrigger-config");
        addDeserializer(ByteSize.class, new JsonDeserializer<>() {
            @Override public ByteSize deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                JsonToken t = p.currentToken();
                if (t == JsonToken.VALUE_NUMBER_INT) {
                    long bytes = p.getLongValue();
                    if (bytes < 0) {
                        return (ByteSize) ctx.handleWeirdNumberValue(ByteSize.class, bytes, "size must not be negative: " + bytes);
                    }
                    return ByteSize.ofBytes(bytes);
                }
                if (!t.isScalarValue()) return (ByteSize) ctx.handleUnexpectedToken(ByteSize.class, p);
                String text = p.getText();
                try {
                    return ByteSize.parse(text);
                } catch (IllegalArgumentException e) {
                    return (ByteSize) (t == JsonToken.VALUE_NUMBER_FLOAT
                            ? ctx.handleWeirdNumberValue(ByteSize.class, p.getNumberValue(), e.getMessage())
                            : ctx.handleWeirdStringValue(ByteSize.class, text, e.getMessage()));
                }
            }
        });
        addDeserializer(Duration.class, new JsonDeserializer<>() {
            @Override public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                JsonToken t = p.currentToken();
                if (t == JsonToken.VALUE_NUMBER_INT && p.getDecimalValue().signum() == 0) return Duration.ZERO;
                if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                    String n = p.getText();
                    return (Duration) ctx.handleWeirdNumberValue(Duration.class, p.getNumberValue(),
                            "invalid duration " + n + " (a duration needs a unit, e.g. " + n + "s or " + n + "ms)");
                }
                if (t != JsonToken.VALUE_STRING) return (Duration) ctx.handleUnexpectedToken(Duration.class, p);
                String text = p.getText();
                try {
                    return Durations.parse(text);
                } catch (IllegalArgumentException e) {
                    return (Duration) ctx.handleWeirdStringValue(Duration.class, text, e.getMessage());
                }
            }
        });
        addDeserializer(Secret.class, new JsonDeserializer<>() {
            @Override public Secret deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                if (!p.currentToken().isScalarValue()) return (Secret) ctx.handleUnexpectedToken(Secret.class, p);
                String value = p.getValueAsString("");
                if (ctx.getAttribute(SECRETS) instanceof Consumer<?> sink) {
                    @SuppressWarnings("unchecked")
                    Consumer<String> secrets = (Consumer<String>) sink;
                    secrets.accept(value);
                }
                return Secret.of(value);
            }
        });
    }

    /** The mapper that binds component config records. */
    public static ObjectMapper newMapper() {
        return JsonMapper.builder()
                .addModule(new ConfigModule())
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .build();
    }
}
