package io.outrigger.parsers;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
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
 * JSON object lines to fields, with jackson-core's streaming parser: no tree, the members go straight into the
 * record's fields. A record read as bytes ({@link LogRecord#utf8Message()}) is parsed from its UTF-8 bytes, never
 * decoded as a whole; text (a record given as text, or a named source field) is encoded once and parsed the same
 * way, so offsets in parse errors always count bytes, as a file offset does. Jackson's own limits apply (1000
 * levels of nesting, numbers of 1000 digits).
 */
final class JsonStage implements Stage {

    static final String NOT_AN_OBJECT = "not a JSON object";
    static final String TRAILING = "trailing content after JSON object";

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private final String source;
    private final boolean flatten;
    private final String messageField;
    private final ParseErrors errors;
    private final Frames frames = new Frames();   // reused: a stage serves one thread at a time

    JsonStage(JsonConfig config, ParseErrors errors) {
        this.source = config.source();
        this.flatten = config.flatten();
        this.messageField = config.messageField();
        this.errors = errors;
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
        String problem = parse(utf8, fields);
        if (problem != null) {
            out.accept(errors.fail(record, ParseErrors.clip(problem, 160)));
            return;
        }
        out.accept(withFields(record, fields, messageField));
    }

    /** Parses one JSON object into {@code into}; null, or what is wrong and where. */
    String parse(byte[] utf8, Fields.Builder into) {
        JsonParser p = null;
        try {
            p = FACTORY.createParser(utf8, 0, utf8.length);
            if (p.nextToken() != JsonToken.START_OBJECT) return NOT_AN_OBJECT;
            frames.valueIndex = 0;
            rootMembers(p, into);
        } catch (JsonProcessingException e) {
            return describe(e, p);
        } catch (IOException | RuntimeException e) {
            return "invalid JSON";
        }
        try {
            return p.nextToken() == null ? null : TRAILING;
        } catch (IOException | RuntimeException e) {
            return TRAILING;
        }
    }

    /** Jackson's message without its source excerpt or its API names, and the byte offset it names. */
    private static String describe(JsonProcessingException e, JsonParser p) {
        String what = e.getOriginalMessage();
        int cut = what.indexOf('\n');
        if (cut >= 0) what = what.substring(0, cut);
        what = what.replaceAll(", from `[^`]*`", "");
        JsonLocation at = e.getLocation() != null ? e.getLocation() : p == null ? null : p.currentLocation();
        long offset = at == null ? -1 : at.getByteOffset();
        return "invalid JSON: " + what + (offset >= 0 ? " at offset " + offset : "");
    }

    /** The top-level members: scalars put straight in, a nested object or array walked by {@link #walk}. */
    private void rootMembers(JsonParser p, Fields.Builder into) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.START_OBJECT) {
                if (flatten) {
                    int before = into.size();
                    walk(p, MERGE, into, name, into, true, frames);
                    if (into.size() == before) into.put(name, new Value.Obj(Fields.EMPTY));
                } else {
                    Fields.Builder nested = Fields.builder();
                    walk(p, MERGE, nested, null, nested, false, frames);
                    into.put(name, new Value.Obj(nested.build()));
                }
            } else if (v == JsonToken.START_ARRAY) {
                List<Value> items = new ArrayList<>();
                walk(p, ARRAY, items, null, null, false, frames);
                into.put(name, new Value.Arr(items));
            } else {
                into.put(name, scalar(p, v, frames));
            }
        }
        if (t != JsonToken.END_OBJECT) throw new IOException("unexpected token " + t);
    }

    // kinds of open containers
    private static final byte MERGE = 0;   // an object whose members go into the root builder (with flatten, under a prefix)
    private static final byte OBJECT = 1;  // an object with its own builder, becoming a Value.Obj
    private static final byte ARRAY = 2;   // an array, becoming a Value.Arr

    /**
     * Reads the members of the object whose START_OBJECT was just read into {@code root}, up to its END_OBJECT;
     * nested objects become object values, or with {@code flatten} members of {@code root} under dotted keys (an
     * object that adds none leaves an empty object). Nesting is kept on an explicit stack, so deep input (Jackson
     * allows 1000 levels) needs no call stack.
     */
    private static void members(JsonParser p, Fields.Builder root, boolean flatten) throws IOException {
        walk(p, MERGE, root, null, root, flatten, new Frames());
    }

    /** The stack of open containers of {@link #walk}, kept between lines by the stage. */
    private static final class Frames {
        byte[] kinds = new byte[8];
        Object[] containers = new Object[8];   // the Fields.Builder or List<Value> a frame fills
        String[] keys = new String[8];         // the key under which a frame's value goes into its parent (MERGE: its prefix)
        int[] sizes = new int[8];              // MERGE: the root's size when the frame opened
        // string values by their place in the line: a value equal to the previous line's at the same place (a
        // level, a logger, a host) is that same Value, so it costs no new String, and outputs keep it rendered
        // (RecordJson caches a value's rendering by the Value's identity)
        int valueIndex;
        final Value.Str[] lastValues = new Value.Str[REUSED_PLACES];
        final char[][] lastChars = new char[REUSED_PLACES][];
    }

    private static final int REUSED_PLACES = 64;   // string values kept by their place in the line
    private static final int MAX_REUSED_VALUE = 48; // longer string values are not kept (mostly unique)

    /** A string value: the previous line's Value at the same place when the text is the same, else a new one. */
    private static Value.Str string(JsonParser p, Frames f) throws IOException {
        int v = f == null ? REUSED_PLACES : f.valueIndex++;
        if (v >= REUSED_PLACES) return new Value.Str(p.getText());
        char[] text = p.getTextCharacters();
        int off = p.getTextOffset();
        int len = p.getTextLength();
        if (len > MAX_REUSED_VALUE) return new Value.Str(new String(text, off, len));
        char[] last = f.lastChars[v];
        Value.Str kept = f.lastValues[v];
        if (kept != null && kept.value().length() == len && java.util.Arrays.equals(text, off, off + len, last, 0, len)) {
            return kept;
        }
        Value.Str value = new Value.Str(new String(text, off, len));
        if (last == null) f.lastChars[v] = last = new char[MAX_REUSED_VALUE];
        System.arraycopy(text, off, last, 0, len);
        f.lastValues[v] = value;
        return value;
    }

    /**
     * {@link #members} (with {@code prefix}, under that prefix), or with {@code kind} ARRAY the items of an array
     * into {@code top}, up to its end.
     */
    private static void walk(JsonParser p, byte kind, Object top, String prefix, Fields.Builder root, boolean flatten,
            Frames f) throws IOException {
        try {
            walk(p, kind, top, prefix, root, flatten, f, f.kinds, f.containers, f.keys, f.sizes);
        } finally {
            java.util.Arrays.fill(f.containers, null);   // hold no record's values between lines
        }
    }

    private static void walk(JsonParser p, byte kind, Object top, String prefix, Fields.Builder root, boolean flatten,
            Frames f, byte[] kinds, Object[] containers, String[] keys, int[] sizes) throws IOException {
        int d = 0;
        kinds[0] = kind;
        containers[0] = top;
        keys[0] = prefix;
        while (true) {
            JsonToken t = p.nextToken();
            String key = null;
            if (kinds[d] == ARRAY) {
                if (t == JsonToken.END_ARRAY) {
                    if (d == 0) return;
                    @SuppressWarnings("unchecked") Value v = new Value.Arr((List<Value>) containers[d]);
                    key = keys[d--];
                    add(kinds[d], containers[d], key, v);
                    continue;
                }
            } else if (t == JsonToken.END_OBJECT) {
                if (kinds[d] == MERGE) {
                    if (d == 0) return;
                    if (root.size() == sizes[d]) root.put(keys[d], new Value.Obj(Fields.EMPTY));
                    d--;
                } else {
                    Value v = new Value.Obj(((Fields.Builder) containers[d]).build());
                    key = keys[d--];
                    add(kinds[d], containers[d], key, v);
                }
                continue;
            } else if (t == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                key = kinds[d] == MERGE && keys[d] != null ? keys[d] + '.' + name : name;
                t = p.nextToken();
            } else {
                throw new IOException("unexpected token " + t);
            }
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                if (++d == kinds.length) {
                    int n = d * 2;
                    f.kinds = kinds = java.util.Arrays.copyOf(kinds, n);
                    f.containers = containers = java.util.Arrays.copyOf(containers, n);
                    f.keys = keys = java.util.Arrays.copyOf(keys, n);
                    f.sizes = sizes = java.util.Arrays.copyOf(sizes, n);
                }
                keys[d] = key;
                if (t == JsonToken.START_ARRAY) {
                    kinds[d] = ARRAY;
                    containers[d] = new ArrayList<Value>();
                } else if (flatten && kinds[d - 1] == MERGE) {
                    kinds[d] = MERGE;
                    containers[d] = root;
                    sizes[d] = root.size();
                } else {
                    kinds[d] = OBJECT;
                    containers[d] = Fields.builder();
                }
            } else {
                add(kinds[d], containers[d], key, scalar(p, t, f));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void add(byte kind, Object container, String key, Value v) {
        if (kind == ARRAY) ((List<Value>) container).add(v);
        else ((Fields.Builder) container).put(key, v);
    }

    private static Value scalar(JsonParser p, JsonToken t, Frames f) throws IOException {
        return switch (t) {
            case VALUE_STRING -> string(p, f);
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? new Value.Float(p.getDoubleValue()) : new Value.Int(p.getLongValue());
            case VALUE_NUMBER_FLOAT -> new Value.Float(p.getDoubleValue());
            case VALUE_TRUE -> Value.TRUE;
            case VALUE_FALSE -> Value.FALSE;
            case VALUE_NULL -> Value.NULL;
            default -> throw new IOException("unexpected token " + t);
        };
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

    /** A value from Jackson's streaming parser, {@code t} being its first token (also used by the docker stage). */
    static Value readValue(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.START_OBJECT) {
            Fields.Builder nested = Fields.builder();
            members(p, nested, false);
            return new Value.Obj(nested.build());
        }
        if (t == JsonToken.START_ARRAY) {
            List<Value> items = new ArrayList<>();
            walk(p, ARRAY, items, null, null, false, new Frames());
            return new Value.Arr(items);
        }
        return scalar(p, t, null);
    }
}
