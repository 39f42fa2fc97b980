package io.outrigger.parsers;

import io.outrigger.core.event.Fields;
import io.outrigger.core.event.Value;

/**
 * A typed, order-preserving rendering of fields for comparing parser results: ints as {@code 5}, floats as Java
 * prints doubles ({@code 5.0}, {@code -0.0}, {@code 1.0E29}), strings JSON-quoted with every character outside
 * printable ASCII as {@code \\uXXXX} (so lone surrogates and replacement characters are visible).
 */
final class JsonCanon {

    private JsonCanon() {}

    static String of(Fields f) {
        StringBuilder sb = new StringBuilder();
        obj(f, sb);
        return sb.toString();
    }

    private static void obj(Fields f, StringBuilder sb) {
        sb.append('{');
        for (int i = 0; i < f.size(); i++) {
            if (i > 0) sb.append(',');
            str(f.name(i), sb);
            sb.append(':');
            value(f.value(i), sb);
        }
        sb.append('}');
    }

    static void value(Value v, StringBuilder sb) {
        switch (v) {
            case Value.Str s -> str(s.value(), sb);
            case Value.Int i -> sb.append(i.value());
            case Value.Float d -> sb.append(d.value());
            case Value.Bool b -> sb.append(b.value());
            case Value.Null n -> sb.append("null");
            case Value.Obj o -> obj(o.fields(), sb);
            case Value.Arr a -> {
                sb.append('[');
                for (int i = 0; i < a.values().size(); i++) {
                    if (i > 0) sb.append(',');
                    value(a.values().get(i), sb);
                }
                sb.append(']');
            }
        }
    }

    private static void str(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c >= 0x20 && c < 0x7f) sb.append(c);
            else sb.append(String.format("\\u%04x", (int) c));
        }
        sb.append('"');
    }
}
