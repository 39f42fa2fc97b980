package io.outrigger.core.event;

import java.util.List;
import java.util.Objects;

/**
 * A typed field value. Parsers produce these; outputs render them. The set is closed so every output can
 * render every value without guessing.
 */
public sealed interface Value {

    Value NULL = new Null();
    Value TRUE = new Bool(true);
    Value FALSE = new Bool(false);

    static Value of(String s) { return s == null ? NULL : new Str(s); }
    static Value of(long l) { return new Int(l); }
    static Value of(double d) { return new Float(d); }
    static Value of(boolean b) { return b ? TRUE : FALSE; }

    /** The value as text, as a template or a label would show it. */
    String asText();

    record Str(String value) implements Value {
        public Str { Objects.requireNonNull(value, "value"); }
        @Override public String asText() { return value; }
    }

    record Int(long value) implements Value {
        @Override public String asText() { return Long.toString(value); }
    }

    record Float(double value) implements Value {
        @Override public String asText() { return Double.toString(value); }
    }

    record Bool(boolean value) implements Value {
        @Override public String asText() { return Boolean.toString(value); }
    }

    record Arr(List<Value> values) implements Value {
        public Arr { values = List.copyOf(values); }
        @Override public String asText() { return RecordJson.valueToJson(this); }
    }

    record Obj(Fields fields) implements Value {
        public Obj { Objects.requireNonNull(fields, "fields"); }
        @Override public String asText() { return RecordJson.valueToJson(this); }
    }

    record Null() implements Value {
        @Override public String asText() { return ""; }
    }
}
