package io.outrigger.parsers;

import io.outrigger.core.event.Fields;
import io.outrigger.core.event.Value;
import java.util.Arrays;
import java.util.List;

/**
 * A single-pass JSON (RFC 8259) object parser over a {@link String} that puts the members straight into a
 * {@link Fields.Builder}: no tokens, no tree, no copy of the line. It accepts exactly what Jackson's default
 * streaming parser accepts (no comments, no single quotes, no leading zeros, no NaN, no trailing commas, no raw
 * control characters in strings; a lone surrogate from a {@code \\u} escape is kept in a value and rejected in a
 * key, as Jackson does) and keeps Jackson's default limits (1000 levels of nesting, numbers of 1000 digits,
 * keys of 50000, strings of 20M). Nesting is tracked on an explicit stack, so deep input never needs call stack.
 *
 * <p>Per record it allocates only what the fields need. A key is first compared with the key found at the same
 * place in the previous line (lines of one stream repeat their keys in order), then looked up in a small bounded
 * cache (open-addressed, keyed by the characters' hash, checked with {@code regionMatches}); strings without
 * escapes are substrings; integers and short decimals are computed inline (a decimal exactly, when its digits and
 * power of ten are exact doubles, otherwise with {@link Double#parseDouble}). One instance serves one thread at a
 * time; its caches are per instance.
 */
final class JsonObjectParser {

    static final int MAX_DEPTH = 1000;
    static final int MAX_NUMBER_LENGTH = 1000;
    static final int MAX_NAME_LENGTH = 50_000;
    static final int MAX_STRING_LENGTH = 20_000_000;

    static final String NOT_AN_OBJECT = "not a JSON object";
    static final String TRAILING = "trailing content after JSON object";

    private static final Value.Arr EMPTY_ARRAY = new Value.Arr(List.of());
    private static final int NAME_SLOTS = 512;            // power of two
    private static final int MAX_CACHED_NAME = 64;        // longer keys are not cached (bounds the cache's memory)
    private static final int JOINED_SLOTS = 256;          // power of two
    private static final int MAX_CACHED_JOINED = 256;
    private static final int PROBES = 4;
    private static final int GUESSES = 64;             // keys guessed by their place in the line
    private static final double[] POW10 = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    // kinds of open containers
    private static final byte MERGE = 0;   // an object whose members go into an existing builder (the root; with flatten, under a prefix)
    private static final byte OBJECT = 1;  // an object with its own builder, becoming a Value.Obj
    private static final byte ARRAY = 2;   // an array whose items collect in items[mark..itemCount)

    private final boolean flatten;
    private final String[] names = new String[NAME_SLOTS];
    private final String[] joinedPrefix = new String[JOINED_SLOTS];
    private final String[] joinedName = new String[JOINED_SLOTS];
    private final String[] joined = new String[JOINED_SLOTS];
    private final String[] guesses = new String[GUESSES];
    private int keyIndex;
    private StringBuilder scratch = new StringBuilder();
    private Value[] items = new Value[16];
    private int itemCount;

    // the open containers, innermost at [top]: an explicit stack, so deep nesting costs no call stack
    private byte[] kinds = new byte[16];
    private Fields.Builder[] builders = new Fields.Builder[16];
    private String[] prefixes = new String[16];   // MERGE: the dotted key of this object (null at the root)
    private String[] keys = new String[16];       // objects: the key whose value is being read
    private int[] marks = new int[16];            // MERGE: builder size on entry; ARRAY: first item index
    private int top;
    private int used;                             // highest level used in this parse, to clear

    // state of the current parse
    private String text;
    private int len;
    private int pos;

    JsonObjectParser(boolean flatten) {
        this.flatten = flatten;
    }

    /**
     * Parses {@code s} (not blank), which must hold one JSON object, into {@code into}: nested objects become
     * {@link Value.Obj} or, with flatten, dotted keys. Returns null on success, otherwise the reason, one of
     * {@value #NOT_AN_OBJECT}, {@value #TRAILING} or {@code invalid JSON: <what> at offset <n>}; {@code into} may
     * then hold some of the members.
     */
    String parse(String s, Fields.Builder into) {
        text = s;
        len = s.length();
        top = -1;
        used = -1;
        keyIndex = 0;
        try {
            int i = skipWs(0);
            char c = i < len ? s.charAt(i) : 0;
            if (c != '{') {
                // only to tell invalid JSON from JSON that is not an object
                if (c == '[') readContainer(i, null);
                else readScalar(i);
                return NOT_AN_OBJECT;
            }
            readContainer(i, into);
            return skipWs(pos) < len ? TRAILING : null;
        } catch (Failure f) {
            return "invalid JSON: " + f.getMessage();
        } finally {
            text = null;                            // do not keep a large line or its values alive
            if (itemCount != 0) Arrays.fill(items, 0, itemCount, null);
            itemCount = 0;
            if (used >= 0) {
                Arrays.fill(builders, 0, used + 1, null);
                Arrays.fill(prefixes, 0, used + 1, null);
                Arrays.fill(keys, 0, used + 1, null);
            }
            if (items.length > 1024) items = new Value[16];
            if (kinds.length > 64) shrinkStack();
            if (scratch.capacity() > 65536) scratch = new StringBuilder();
        }
    }

    // ---- structure

    /**
     * Reads the object or array at {@code i} and everything in it; leaves pos after it. With {@code into}, the
     * '{' at {@code i} is the root object and its members go there; without, the value is only checked.
     */
    private void readContainer(int i, Fields.Builder into) {
        final String t = text;
        final int n = len;
        if (into != null) push(MERGE, into, null, into.size(), i);
        else push(ARRAY, null, null, itemCount, i);
        i = skipWs(i + 1);
        boolean first = true;
        while (true) {
            // at the start of the next member or item of the innermost container, or at its end when first
            byte kind = kinds[top];
            char close = kind == ARRAY ? ']' : '}';
            if (!(first && i < n && t.charAt(i) == close)) {
                if (kind != ARRAY) {
                    if (i >= n || t.charAt(i) != '"') throw fail("expected a quoted key", i);
                    String name = readName(i + 1);
                    i = skipWs(pos);
                    if (i >= n || t.charAt(i) != ':') throw new Failure("expected ':' after key " + quote(name) + at(i));
                    i = skipWs(i + 1);
                    String prefix = prefixes[top];
                    keys[top] = prefix == null ? name : join(prefix, name);
                }
                char c = i < n ? t.charAt(i) : 0;
                if (c == '{') {
                    if (kind == MERGE && flatten) {
                        Fields.Builder b = builders[top];
                        push(MERGE, b, keys[top], b.size(), i);
                    } else {
                        push(OBJECT, Fields.builder(), null, 0, i);
                    }
                    i = skipWs(i + 1);
                    first = true;
                    continue;
                }
                if (c == '[') {
                    push(ARRAY, null, null, itemCount, i);
                    i = skipWs(i + 1);
                    first = true;
                    continue;
                }
                add(readScalar(i));
                i = skipWs(pos);
                first = false;
            }
            // after a value (or at the end of an empty container): ',' or the close, possibly of several levels
            while (true) {
                kind = kinds[top];
                close = kind == ARRAY ? ']' : '}';
                if (!first) {
                    if (i < n && t.charAt(i) == ',') break;
                    if (i >= n || t.charAt(i) != close) {
                        throw fail(kind == ARRAY ? "expected ',' or ']' in array"
                                : "expected ',' or '}' after the value of key " + quote(keys[top]), i);
                    }
                }
                first = false;
                pos = i + 1;
                if (closeContainer()) return;
                i = skipWs(i + 1);
            }
            i = skipWs(i + 1);
        }
    }

    private void push(byte kind, Fields.Builder builder, String prefix, int mark, int at) {
        if (top + 1 >= MAX_DEPTH) throw new Failure("nesting deeper than " + MAX_DEPTH + " levels" + at(at));
        int level = ++top;
        if (level == kinds.length) growStack();
        kinds[level] = kind;
        builders[level] = builder;
        prefixes[level] = prefix;
        marks[level] = mark;
        if (level > used) used = level;
    }

    /** Ends the innermost container and hands its value to the one around it; true when it was the outermost. */
    private boolean closeContainer() {
        int level = top--;
        Value v;
        switch (kinds[level]) {
            case MERGE -> {
                if (level == 0) return true;
                Fields.Builder b = builders[level];
                if (b.size() == marks[level]) b.put(prefixes[level], new Value.Obj(Fields.EMPTY));
                return false;
            }
            case OBJECT -> v = new Value.Obj(builders[level].build());
            default -> {
                int base = marks[level];
                // an immutable list, which Value.Arr then keeps without copying it again
                v = switch (itemCount - base) {
                    case 0 -> EMPTY_ARRAY;
                    case 1 -> new Value.Arr(List.of(items[base]));
                    case 2 -> new Value.Arr(List.of(items[base], items[base + 1]));
                    default -> new Value.Arr(List.of(Arrays.copyOfRange(items, base, itemCount)));
                };
                Arrays.fill(items, base, itemCount, null);
                itemCount = base;
            }
        }
        builders[level] = null;
        if (level == 0) return true;
        add(v);
        return false;
    }

    /** Adds a finished value to the innermost container. */
    private void add(Value v) {
        if (kinds[top] == ARRAY) {
            if (itemCount == items.length) items = Arrays.copyOf(items, items.length * 2);
            items[itemCount++] = v;
        } else {
            builders[top].put(keys[top], v);
        }
    }

    private void growStack() {
        int size = Math.min(kinds.length * 2, MAX_DEPTH);
        kinds = Arrays.copyOf(kinds, size);
        builders = Arrays.copyOf(builders, size);
        prefixes = Arrays.copyOf(prefixes, size);
        keys = Arrays.copyOf(keys, size);
        marks = Arrays.copyOf(marks, size);
    }

    private void shrinkStack() {
        kinds = new byte[16];
        builders = new Fields.Builder[16];
        prefixes = new String[16];
        keys = new String[16];
        marks = new int[16];
    }

    /** Reads the string, number or literal at {@code i}; leaves pos just after it. */
    private Value readScalar(int i) {
        final String t = text;
        if (i >= len) throw fail("expected a value", i);
        char c = t.charAt(i);
        switch (c) {
            case '"':
                return readString(i + 1);
            case 't':
                return literal(i, "true", Value.TRUE);
            case 'f':
                return literal(i, "false", Value.FALSE);
            case 'n':
                return literal(i, "null", Value.NULL);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return readNumber(i);
                throw fail("expected a value", i);
        }
    }

    private Value literal(int i, String word, Value v) {
        if (!text.startsWith(word, i)) {
            int end = i;
            while (end < len && end - i < 20 && Character.isLetterOrDigit(text.charAt(end))) end++;
            throw new Failure("unrecognized token '" + text.substring(i, end) + "'" + at(i));
        }
        pos = i + word.length();
        return v;
    }

    private int skipWs(int i) {
        final String t = text;
        final int n = len;
        while (i < n) {
            char c = t.charAt(i);
            if (c > ' ' || (c != ' ' && c != '\n' && c != '\r' && c != '\t')) return i;
            i++;
        }
        return i;
    }

    // ---- strings

    /** A key starting just after its opening quote; leaves pos after the closing quote. */
    private String readName(int start) {
        final String t = text;
        final int n = len;
        // lines of one stream mostly repeat their keys in the same order: try the key seen in this place last time
        int k = keyIndex++;
        String guess = k < GUESSES ? guesses[k] : null;
        if (guess != null) {
            int end = start + guess.length();
            if (end < n && t.charAt(end) == '"' && t.startsWith(guess, start)) {
                pos = end + 1;
                return guess;
            }
        }
        String name = lookupName(start);
        // only a key that was written without escapes: the guess is checked against the raw text
        if (k < GUESSES && pos - start - 1 == name.length() && name.length() <= MAX_CACHED_NAME) guesses[k] = name;
        return name;
    }

    /** A key's String, from the cache when it holds no escapes and is short. */
    private String lookupName(int start) {
        final String t = text;
        final int n = len;
        int h = 0;
        int i = start;
        while (true) {
            if (i >= n) throw new Failure("unterminated key starting" + at(start - 1));
            char c = t.charAt(i);
            if (c == '"') break;
            if (c == '\\' || c < 0x20) {
                String s = readEscaped(start, i, true);
                if (s.length() > MAX_NAME_LENGTH) throw new Failure("key longer than " + MAX_NAME_LENGTH + " characters" + at(start - 1));
                return s;
            }
            h = 31 * h + c;
            i++;
        }
        pos = i + 1;
        int length = i - start;
        if (length > MAX_CACHED_NAME) {
            if (length > MAX_NAME_LENGTH) throw new Failure("key longer than " + MAX_NAME_LENGTH + " characters" + at(start - 1));
            return t.substring(start, i);
        }
        // h equals String.hashCode() of the key, which String caches: a cheap first check
        int slot = (h ^ (h >>> 16)) & (NAME_SLOTS - 1);
        for (int p = 0; p < PROBES; p++) {
            int k = (slot + p) & (NAME_SLOTS - 1);
            String s = names[k];
            if (s == null) {
                s = t.substring(start, i);
                names[k] = s;
                return s;
            }
            if (s.hashCode() == h && s.length() == length && t.regionMatches(start, s, 0, length)) return s;
        }
        String s = t.substring(start, i);           // all probed slots taken: replace the first
        names[slot] = s;
        return s;
    }

    /** {@code prefix.name} for flatten, cached by the identity of the (cached) parts. */
    private String join(String prefix, String name) {
        int slot = (prefix.hashCode() * 31 + name.hashCode()) & (JOINED_SLOTS - 1);
        if (joinedPrefix[slot] == prefix && joinedName[slot] == name) return joined[slot];
        String j = prefix + '.' + name;
        if (j.length() > MAX_CACHED_JOINED) return j;
        joinedPrefix[slot] = prefix;
        joinedName[slot] = name;
        joined[slot] = j;
        return j;
    }

    /** A string value starting just after its opening quote; leaves pos after the closing quote. */
    private Value readString(int start) {
        final String t = text;
        final int n = len;
        int i = start;
        while (i < n) {
            char c = t.charAt(i);
            if (c == '"') {
                if (i - start > MAX_STRING_LENGTH) throw tooLong(start);
                pos = i + 1;
                return new Value.Str(t.substring(start, i));
            }
            if (c == '\\' || c < 0x20) {
                String s = readEscaped(start, i, false);
                if (s.length() > MAX_STRING_LENGTH) throw tooLong(start);
                return new Value.Str(s);
            }
            i++;
        }
        throw new Failure("unterminated string starting" + at(start - 1));
    }

    private static Failure tooLong(int start) {
        return new Failure("string longer than " + MAX_STRING_LENGTH + " characters" + at(start - 1));
    }

    /**
     * The rest of a string whose plain characters run from {@code start} to {@code i}, where an escape or a
     * control character is; leaves pos after the closing quote.
     */
    private String readEscaped(int start, int i, boolean name) {
        final String t = text;
        final int n = len;
        StringBuilder sb = scratch;
        sb.setLength(0);
        sb.append(t, start, i);
        while (i < n) {
            char c = t.charAt(i);
            if (c == '"') {
                pos = i + 1;
                return sb.toString();
            }
            if (c == '\\') {
                if (i + 1 >= n) break;
                char e = t.charAt(i + 1);
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        int v = hex4(i + 2);
                        if (v < 0) throw new Failure("invalid \\u escape (expected four hex digits)" + at(i));
                        char u = (char) v;
                        if (name && Character.isSurrogate(u)) {
                            // as Jackson: in keys (only), an escaped surrogate must be half of an escaped pair
                            int low = Character.isHighSurrogate(u) && i + 7 < n && t.charAt(i + 6) == '\\'
                                    && t.charAt(i + 7) == 'u' ? hex4(i + 8) : -1;
                            if (low < 0 || !Character.isLowSurrogate((char) low)) {
                                throw new Failure(String.format("unpaired surrogate \\u%04X in key", v) + at(i));
                            }
                            sb.append(u);
                            u = (char) low;
                            i += 6;
                        }
                        sb.append(u);
                        i += 4;
                    }
                    default -> throw new Failure("invalid escape "
                            + (e > ' ' && e < 0x7f ? "'\\" + e + "'" : "('\\' followed by " + printable(e) + ")") + at(i));
                }
                i += 2;
                continue;
            }
            if (c < 0x20) throw new Failure(String.format("unescaped control character U+%04X in string", (int) c) + at(i));
            int run = i;
            while (i < n && (c = t.charAt(i)) != '"' && c != '\\' && c >= 0x20) i++;
            sb.append(t, run, i);
        }
        throw new Failure("unterminated string starting" + at(start - 1));
    }

    // ---- numbers

    /** A number starting at {@code i} ('-' or a digit); leaves pos after it. */
    private Value readNumber(int start) {
        final String t = text;
        final int n = len;
        int i = start;
        boolean negative = t.charAt(i) == '-';
        if (negative) i++;
        long m = 0;
        int digits = 0;                             // digits added to m (m is exact while digits <= 18)
        if (i >= n || !isDigit(t.charAt(i))) throw fail("expected a digit", i);
        if (t.charAt(i) == '0') {
            i++;
            if (i < n && isDigit(t.charAt(i))) throw new Failure("leading zero in number" + at(start));
            digits = 1;
        } else {
            char c;
            while (i < n && isDigit(c = t.charAt(i))) {
                if (digits < 19) m = m * 10 + (c - '0');
                digits++;
                i++;
            }
        }
        int scale = 0;
        int expDigits = 0;
        boolean integer = true;
        if (i < n && t.charAt(i) == '.') {
            integer = false;
            i++;
            if (i >= n || !isDigit(t.charAt(i))) throw fail("expected a digit after '.'", i);
            char c;
            while (i < n && isDigit(c = t.charAt(i))) {
                if (digits < 19) {
                    m = m * 10 + (c - '0');
                    scale--;
                }
                digits++;
                i++;
            }
        }
        if (i < n && (t.charAt(i) | 0x20) == 'e') {
            integer = false;
            i++;
            boolean negExp = false;
            if (i < n && (t.charAt(i) == '+' || t.charAt(i) == '-')) negExp = t.charAt(i++) == '-';
            if (i >= n || !isDigit(t.charAt(i))) throw fail("expected a digit in exponent", i);
            int e = 0;
            char c;
            while (i < n && isDigit(c = t.charAt(i))) {
                if (e < 100_000) e = e * 10 + (c - '0');
                expDigits++;
                i++;
            }
            scale += negExp ? -e : e;
        }
        // Jackson's limit counts digits only: of the integer part, or of all three parts
        if (digits + expDigits > MAX_NUMBER_LENGTH) throw new Failure("number longer than " + MAX_NUMBER_LENGTH + " digits" + at(start));
        pos = i;
        if (integer) {
            if (digits <= 18) return new Value.Int(negative ? -m : m);
            return bigInteger(t.substring(start, i));
        }
        // exact fast path: m and 10^|scale| are exact doubles, so one multiplication or division rounds correctly
        if (digits <= 18 && m < (1L << 53) && scale >= -22 && scale <= 22) {
            double d = scale < 0 ? m / POW10[-scale] : m * POW10[scale];
            return new Value.Float(negative ? -d : d);
        }
        return new Value.Float(Double.parseDouble(t.substring(start, i)));
    }

    /** An integer of 19 or more digits: an Int if it fits a long, otherwise a Float (as Jackson's BIG_INTEGER). */
    private static Value bigInteger(String digits) {
        java.math.BigInteger b = new java.math.BigInteger(digits);
        return b.bitLength() <= 63 ? new Value.Int(b.longValue()) : new Value.Float(b.doubleValue());
    }

    private static boolean isDigit(char c) { return c >= '0' && c <= '9'; }

    /** The four hex digits at {@code k} as a number, or -1. */
    private int hex4(int k) {
        if (k + 4 > len) return -1;
        int v = 0;
        for (int j = k; j < k + 4; j++) {
            int d = hex(text.charAt(j));
            if (d < 0) return -1;
            v = (v << 4) | d;
        }
        return v;
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    // ---- errors

    private Failure fail(String what, int i) {
        return new Failure(what + at(i) + ", found " + (i >= len ? "end of input" : printable(text.charAt(i))));
    }

    private static String at(int i) { return " at offset " + i; }

    private static String printable(char c) {
        return c > ' ' && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    private static String quote(String key) {
        return "\"" + ParseErrors.clip(key, 40) + "\"";
    }

    /** A parse failure; no stack trace (bad lines are common enough to make that cost matter). */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message, null, false, false);
        }
    }
}
