package io.outrigger.parsers;

import io.outrigger.core.event.Fields;
import io.outrigger.core.event.Value;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A single-pass JSON (RFC 8259) object parser over the UTF-8 bytes of a line that puts the members straight into
 * a {@link Fields.Builder}: no tokens, no tree, no decode or copy of the whole line. It accepts exactly what
 * Jackson's default streaming parser accepts (no comments, no single quotes, no leading zeros, no NaN, no trailing
 * commas, no raw control characters in strings; a lone surrogate from a {@code \\u} escape is kept in a value and
 * rejected in a key, as Jackson does) and keeps Jackson's default limits (1000 levels of nesting, numbers of 1000
 * digits, keys of 50000 chars, strings of 20M chars). Nesting is tracked on an explicit stack, so deep input never
 * needs call stack.
 *
 * <p>The input must be well-formed UTF-8 ({@code LogRecord.utf8Message()} is, and so is what
 * {@code String.getBytes(UTF_8)} makes). Text given as a {@link String} is encoded once and parsed the same way:
 * the one difference from parsing the String itself is that a lone surrogate char in the text (no well-formed
 * UTF-8 can hold one) has become {@code '?'} by then, so a string value or key holding one gets {@code '?'} where
 * Jackson on the String kept the surrogate. Malformed bytes never throw: they decode as U+FFFD.
 *
 * <p>Offsets in the messages are byte offsets into the UTF-8 line (the way a file offset counts), not char
 * indexes.
 *
 * <p>Per record it allocates only what the fields need. A key is first compared with the key found at the same
 * place in the previous line (lines of one stream repeat their keys in order), then looked up in a small bounded
 * cache (open-addressed, keyed by a hash of the bytes, checked by comparing the bytes); strings are scanned eight
 * bytes at a time, and one without escapes becomes a String straight from its bytes (as Latin-1, a plain copy,
 * when the scan saw no byte above 0x7F); integers and short decimals are computed inline (a decimal exactly, when
 * its digits and power of ten are exact doubles, otherwise with {@link Double#parseDouble}). One instance serves
 * one thread at a time; its caches are per instance.
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
    private static final int MAX_CACHED_NAME = 64;        // longer keys (in bytes) are not cached (bounds the cache's memory)
    private static final int JOINED_SLOTS = 256;          // power of two
    private static final int MAX_CACHED_JOINED = 256;
    private static final int PROBES = 4;
    private static final int GUESSES = 64;             // keys guessed by their place in the line
    private static final int MAX_REUSED_VALUE = 48;    // longer string values are not kept (mostly unique)
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH = 0x8080808080808080L;
    private static final double[] POW10 = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    // kinds of open containers
    private static final byte MERGE = 0;   // an object whose members go into an existing builder (the root; with flatten, under a prefix)
    private static final byte OBJECT = 1;  // an object with its own builder, becoming a Value.Obj
    private static final byte ARRAY = 2;   // an array whose items collect in items[mark..itemCount)

    private final boolean flatten;
    private final String[] names = new String[NAME_SLOTS];
    private final byte[][] nameBytes = new byte[NAME_SLOTS][];   // names[k] as UTF-8
    private final int[] nameHashes = new int[NAME_SLOTS];
    private final String[] joinedPrefix = new String[JOINED_SLOTS];
    private final String[] joinedName = new String[JOINED_SLOTS];
    private final String[] joined = new String[JOINED_SLOTS];
    private final String[] guesses = new String[GUESSES];
    private final byte[][] guessBytes = new byte[GUESSES][];
    private final long[] guessWords = new long[GUESSES];   // the guess's first 8 bytes with its closing quote
    private final long[] guessMasks = new long[GUESSES];   // the bytes of guessWords that count
    private int keyIndex;
    // string values by their place in the line: a value equal to the previous line's at the same place (a level,
    // a logger, a host) is that same Value, so it costs no new String, and outputs can keep it rendered
    private int valueIndex;
    private final Value.Str[] lastValues = new Value.Str[GUESSES];
    private final byte[][] lastValueBytes = new byte[GUESSES][];
    private final int[] lastValueLengths = new int[GUESSES];
    private byte[] lastNameBytes;                 // the raw bytes of the key just read when cached, else null
    private boolean nonAscii;                     // set by scanPlain: a byte above 0x7F was passed
    private char[] scratch = new char[256];
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
    private byte[] buf;
    private int len;
    private int pos;

    JsonObjectParser(boolean flatten) {
        this.flatten = flatten;
    }

    /** {@link #parse(byte[], Fields.Builder)} of the text's UTF-8 encoding (lone surrogates become '?'). */
    String parse(String s, Fields.Builder into) {
        return parse(s.getBytes(StandardCharsets.UTF_8), into);
    }

    /**
     * Parses {@code utf8} (well-formed UTF-8, not blank; not modified or kept), which must hold one JSON object,
     * into {@code into}: nested objects become {@link Value.Obj} or, with flatten, dotted keys. Returns null on
     * success, otherwise the reason, one of {@value #NOT_AN_OBJECT}, {@value #TRAILING} or
     * {@code invalid JSON: <what> at offset <n>}, n counting bytes; {@code into} may then hold some of the members.
     */
    String parse(byte[] utf8, Fields.Builder into) {
        buf = utf8;
        len = utf8.length;
        top = -1;
        used = -1;
        keyIndex = 0;
        valueIndex = 0;
        try {
            int i = skipWs(0);
            byte c = i < len ? utf8[i] : 0;
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
            buf = null;                             // do not keep a large line or its values alive
            if (itemCount != 0) Arrays.fill(items, 0, itemCount, null);
            itemCount = 0;
            if (used >= 0) {
                Arrays.fill(builders, 0, used + 1, null);
                Arrays.fill(prefixes, 0, used + 1, null);
                Arrays.fill(keys, 0, used + 1, null);
            }
            if (items.length > 1024) items = new Value[16];
            if (kinds.length > 64) shrinkStack();
            if (scratch.length > 65536) scratch = new char[256];
        }
    }

    // ---- structure

    /**
     * Reads the object or array at {@code i} and everything in it; leaves pos after it. With {@code into}, the
     * '{' at {@code i} is the root object and its members go there; without, the value is only checked.
     */
    private void readContainer(int i, Fields.Builder into) {
        final byte[] t = buf;
        final int n = len;
        if (into != null) push(MERGE, into, null, into.size(), i);
        else push(ARRAY, null, null, itemCount, i);
        i = skipWs(i + 1);
        boolean first = true;
        while (true) {
            // at the start of the next member or item of the innermost container, or at its end when first
            byte kind = kinds[top];
            byte close = kind == ARRAY ? (byte) ']' : (byte) '}';
            if (!(first && i < n && t[i] == close)) {
                if (kind != ARRAY) {
                    if (i >= n || t[i] != '"') throw fail("expected a quoted key", i);
                    String name = readName(i + 1);
                    i = skipWs(pos);
                    if (i >= n || t[i] != ':') throw new Failure("expected ':' after key " + quote(name) + at(i));
                    i = skipWs(i + 1);
                    String prefix = prefixes[top];
                    keys[top] = prefix == null ? name : join(prefix, name);
                }
                byte c = i < n ? t[i] : 0;
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
                close = kind == ARRAY ? (byte) ']' : (byte) '}';
                if (!first) {
                    if (i < n && t[i] == ',') break;
                    if (i >= n || t[i] != close) {
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
        if (i >= len) throw fail("expected a value", i);
        byte c = buf[i];
        switch (c) {
            case '"':
                return readString(i + 1);
            case 't':
                return literal(i, TRUE_BYTES, Value.TRUE);
            case 'f':
                return literal(i, FALSE_BYTES, Value.FALSE);
            case 'n':
                return literal(i, NULL_BYTES, Value.NULL);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return readNumber(i);
                throw fail("expected a value", i);
        }
    }

    private Value literal(int i, byte[] word, Value v) {
        int end = i + word.length;
        if (end > len || !sameBytes(buf, i + 1, word, 1)) {          // the first byte picked the word
            // the token as the chars it is made of: letters and digits, up to 20 chars (a supplementary letter ends it)
            StringBuilder token = new StringBuilder();
            int k = i;
            while (k < len && token.length() < 20) {
                int cp = codePointAt(k);
                if (cp >= 0x10000 || !Character.isLetterOrDigit(cp)) break;
                token.append((char) cp);
                k += utf8Length(k);
            }
            throw new Failure("unrecognized token '" + token + "'" + at(i));
        }
        pos = end;
        return v;
    }

    private static final byte[] TRUE_BYTES = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE_BYTES = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL_BYTES = {'n', 'u', 'l', 'l'};

    private int skipWs(int i) {
        final byte[] t = buf;
        final int n = len;
        while (i < n) {
            byte c = t[i];
            if (c > ' ' || (c != ' ' && c != '\n' && c != '\r' && c != '\t')) return i;
            i++;
        }
        return i;
    }

    // ---- strings

    /** A key starting just after its opening quote; leaves pos after the closing quote. */
    private String readName(int start) {
        final byte[] t = buf;
        final int n = len;
        // lines of one stream mostly repeat their keys in the same order: try the key seen in this place last time
        int k = keyIndex++;
        if (k < GUESSES) {
            byte[] guess = guessBytes[k];
            if (guess != null) {
                int end = start + guess.length;
                if (start <= n - 8) {
                    // one compare of 8 bytes: a key of up to 7 bytes and its closing quote, or a longer key's start
                    if (((long) LONGS.get(t, start) & guessMasks[k]) == guessWords[k]
                            && (end < start + 8 || end < n && t[end] == '"' && sameBytes(t, start + 8, guess, 8))) {
                        pos = end + 1;
                        return guesses[k];
                    }
                } else if (end < n && t[end] == '"' && sameBytes(t, start, guess, 0)) {
                    pos = end + 1;
                    return guesses[k];
                }
            }
        }
        String name = lookupName(start);
        // only a key that was written without escapes: the guess is checked against the raw bytes
        if (k < GUESSES && lastNameBytes != null) {
            byte[] raw = lastNameBytes;
            guesses[k] = name;
            guessBytes[k] = raw;
            long word = 0;
            int m = Math.min(raw.length + 1, 8);
            for (int j = 0; j < m; j++) word |= (long) ((j < raw.length ? raw[j] : '"') & 0xFF) << (8 * j);
            guessWords[k] = word;
            guessMasks[k] = m == 8 ? -1L : (1L << (8 * m)) - 1;
        }
        return name;
    }

    /** True when {@code t} from {@code i} holds {@code key} from {@code from} to its end (a short run: a plain loop). */
    private static boolean sameBytes(byte[] t, int i, byte[] key, int from) {
        for (int j = from; j < key.length; j++, i++) {
            if (t[i] != key[j]) return false;
        }
        return true;
    }

    /**
     * A key's String, from the cache when it holds no escapes and is short; sets {@link #lastNameBytes} to its
     * cached bytes, or null when it was not cached.
     */
    private String lookupName(int start) {
        final byte[] t = buf;
        final int n = len;
        lastNameBytes = null;
        int h = 0;
        int i = start;
        while (true) {
            if (i >= n) throw new Failure("unterminated key starting" + at(start - 1));
            byte c = t[i];
            if (c == '"') break;
            if (c == '\\' || (c >= 0 && c < 0x20)) {
                String s = readEscaped(start, i, true);
                if (s.length() > MAX_NAME_LENGTH) throw new Failure("key longer than " + MAX_NAME_LENGTH + " characters" + at(start - 1));
                return s;
            }
            h = 31 * h + c;
            i++;
            if (i - start > MAX_CACHED_NAME) {
                // a long key: the rest is scanned eight bytes at a time, and it is not cached
                i = scanPlain(i);
                if (i < n && t[i] == '"') break;
                if (i >= n) throw new Failure("unterminated key starting" + at(start - 1));
                String s = readEscaped(start, i, true);
                if (s.length() > MAX_NAME_LENGTH) throw new Failure("key longer than " + MAX_NAME_LENGTH + " characters" + at(start - 1));
                return s;
            }
        }
        pos = i + 1;
        int length = i - start;
        if (length > MAX_CACHED_NAME) {
            // bytes count at least the chars: only a key of more bytes than the limit can have too many chars
            String s = new String(t, start, length, StandardCharsets.UTF_8);
            if (s.length() > MAX_NAME_LENGTH) throw new Failure("key longer than " + MAX_NAME_LENGTH + " characters" + at(start - 1));
            return s;
        }
        int slot = (h ^ (h >>> 16)) & (NAME_SLOTS - 1);
        for (int p = 0; p < PROBES; p++) {
            int k = (slot + p) & (NAME_SLOTS - 1);
            byte[] cached = nameBytes[k];
            if (cached == null) return cacheName(k, h, start, i);
            if (nameHashes[k] == h && cached.length == length && Arrays.equals(t, start, i, cached, 0, length)) {
                lastNameBytes = cached;
                return names[k];
            }
        }
        return cacheName(slot, h, start, i);        // all probed slots taken: replace the first
    }

    private String cacheName(int k, int h, int start, int end) {
        byte[] raw = Arrays.copyOfRange(buf, start, end);
        String s = new String(raw, StandardCharsets.UTF_8);
        names[k] = s;
        nameBytes[k] = raw;
        nameHashes[k] = h;
        lastNameBytes = raw;
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
        int i = scanPlain(start);
        if (i >= len) throw new Failure("unterminated string starting" + at(start - 1));
        if (buf[i] != '"') {
            String s = readEscaped(start, i, false);
            if (s.length() > MAX_STRING_LENGTH) throw tooLong(start);
            return new Value.Str(s);
        }
        pos = i + 1;
        int length = i - start;
        int v = valueIndex++;
        if (v < GUESSES && length <= MAX_REUSED_VALUE) return reused(v, start, length);
        if (!nonAscii) {
            if (length > MAX_STRING_LENGTH) throw tooLong(start);
            return new Value.Str(new String(buf, start, length, StandardCharsets.ISO_8859_1));
        }
        String s = new String(buf, start, length, StandardCharsets.UTF_8);
        if (s.length() > MAX_STRING_LENGTH) throw tooLong(start);
        return new Value.Str(s);
    }

    /** The string value {@code buf[start, start + length)} (no escapes) as the {@code v}th string of the line. */
    private Value.Str reused(int v, int start, int length) {
        byte[] last = lastValueBytes[v];
        if (last != null && lastValueLengths[v] == length && Arrays.equals(buf, start, start + length, last, 0, length)) {
            return lastValues[v];
        }
        Value.Str value = new Value.Str(new String(buf, start, length,
                nonAscii ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1));
        if (last == null) lastValueBytes[v] = last = new byte[MAX_REUSED_VALUE];
        System.arraycopy(buf, start, last, 0, length);
        lastValueLengths[v] = length;
        lastValues[v] = value;
        return value;
    }

    private static Failure tooLong(int start) {
        return new Failure("string longer than " + MAX_STRING_LENGTH + " characters" + at(start - 1));
    }

    /**
     * The index of the first '"', '\\' or control byte at or after {@code i}, or the length; sets
     * {@link #nonAscii} when a byte above 0x7F came before it. Eight bytes at a time: a byte is flagged by the
     * borrow of a subtraction, and borrows only carry upwards, so the lowest flagged byte is a true one.
     */
    private int scanPlain(int i) {
        final byte[] t = buf;
        final int n = len;
        long seen = 0;                              // the bytes passed, or-ed: bit 7 of a lane is a byte >= 0x80
        while (i <= n - 8) {
            long w = (long) LONGS.get(t, i);
            long q = w ^ 0x2222222222222222L;
            long s = w ^ 0x5C5C5C5C5C5C5C5CL;
            long m = ((w - 0x2020202020202020L) & ~w | (q - ONES) & ~q | (s - ONES) & ~s) & HIGH;
            if (m != 0) {
                int bit = Long.numberOfTrailingZeros(m) & ~7;   // the low bit of the flagged byte
                seen |= w & ((1L << bit) - 1);
                nonAscii = (seen & HIGH) != 0;
                return i + (bit >>> 3);
            }
            seen |= w;
            i += 8;
        }
        while (i < n) {
            byte c = t[i];
            if (c == '"' || c == '\\' || (c >= 0 && c < 0x20)) break;
            seen |= c;                              // sign-extended: a byte >= 0x80 sets bit 7
            i++;
        }
        nonAscii = (seen & HIGH) != 0;
        return i;
    }

    /**
     * The rest of a string whose plain bytes run from {@code start} to {@code i}, where an escape or a control
     * character is; leaves pos after the closing quote.
     */
    private String readEscaped(int start, int i, boolean name) {
        final byte[] t = buf;
        final int n = len;
        int p = decode(start, i, 0);
        while (i < n) {
            byte c = t[i];
            if (c == '"') {
                pos = i + 1;
                return new String(scratch, 0, p);
            }
            if (c == '\\') {
                if (i + 1 >= n) break;
                char[] sb = scratch.length - p >= 2 ? scratch : grow(p, 2);
                byte e = t[i + 1];
                switch (e) {
                    case '"', '\\', '/' -> sb[p++] = (char) e;
                    case 'b' -> sb[p++] = '\b';
                    case 'f' -> sb[p++] = '\f';
                    case 'n' -> sb[p++] = '\n';
                    case 'r' -> sb[p++] = '\r';
                    case 't' -> sb[p++] = '\t';
                    case 'u' -> {
                        int v = hex4(i + 2);
                        if (v < 0) throw new Failure("invalid \\u escape (expected four hex digits)" + at(i));
                        char u = (char) v;
                        if (name && Character.isSurrogate(u)) {
                            // as Jackson: in keys (only), an escaped surrogate must be half of an escaped pair
                            int low = Character.isHighSurrogate(u) && i + 7 < n && t[i + 6] == '\\'
                                    && t[i + 7] == 'u' ? hex4(i + 8) : -1;
                            if (low < 0 || !Character.isLowSurrogate((char) low)) {
                                throw new Failure(String.format("unpaired surrogate \\u%04X in key", v) + at(i));
                            }
                            sb[p++] = u;
                            u = (char) low;
                            i += 6;
                        }
                        sb[p++] = u;
                        i += 4;
                    }
                    default -> throw new Failure("invalid escape "
                            + (e > ' ' && e < 0x7f ? "'\\" + (char) e + "'" : "('\\' followed by " + printable(codePointAt(i + 1)) + ")") + at(i));
                }
                i += 2;
                continue;
            }
            if (c >= 0 && c < 0x20) throw new Failure(String.format("unescaped control character U+%04X in string", (int) c) + at(i));
            int run = i;
            i = scanPlain(i);
            p = decode(run, i, p);
        }
        throw new Failure("unterminated string starting" + at(start - 1));
    }

    /** Grows the char scratch to hold {@code more} chars after the first {@code p}; returns it. */
    private char[] grow(int p, int more) {
        long size = Math.max(scratch.length * 2L, (long) p + more);
        scratch = Arrays.copyOf(scratch, (int) Math.min(size, Integer.MAX_VALUE - 8));
        return scratch;
    }

    /**
     * Decodes the UTF-8 bytes {@code [from, to)} into the scratch at {@code p} (no byte is a quote, backslash or
     * control); returns the position after them. A malformed sequence becomes U+FFFD, one per byte.
     */
    private int decode(int from, int to, int p) {
        final byte[] t = buf;
        char[] out = scratch.length - p >= to - from ? scratch : grow(p, to - from);  // never more chars than bytes
        int i = from;
        while (i < to) {
            int c = t[i];
            if (c >= 0) {
                out[p++] = (char) c;
                i++;
                continue;
            }
            int cp = codePointAt(i, to);
            if (cp < 0) {
                out[p++] = '\uFFFD';
                i++;
            } else if (cp >= 0x10000) {
                out[p++] = Character.highSurrogate(cp);
                out[p++] = Character.lowSurrogate(cp);
                i += 4;
            } else {
                out[p++] = (char) cp;
                i += cp >= 0x800 ? 3 : 2;
            }
        }
        return p;
    }

    /** The code point of the well-formed UTF-8 sequence at {@code i} (within {@code end}), or -1. */
    private int codePointAt(int i, int end) {
        final byte[] t = buf;
        int c = t[i] & 0xFF;
        if (c < 0x80) return c;
        int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 ? 1 : 0;
        if (more == 0 || c > 0xF4 || i + more >= end) return -1;
        int cp = c & (0x3F >> more);
        for (int k = 1; k <= more; k++) {
            int d = t[i + k] & 0xFF;
            if ((d & 0xC0) != 0x80) return -1;
            cp = cp << 6 | d & 0x3F;
        }
        int min = more == 1 ? 0x80 : more == 2 ? 0x800 : 0x10000;
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
        return cp;
    }

    /** The code point at {@code i} (U+FFFD for a malformed sequence), for messages. */
    private int codePointAt(int i) {
        int cp = codePointAt(i, len);
        return cp < 0 ? 0xFFFD : cp;
    }

    /** The bytes of the sequence at {@code i}, as {@link #codePointAt(int)} reads it. */
    private int utf8Length(int i) {
        int cp = codePointAt(i, len);
        return cp < 0 ? 1 : cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }

    // ---- numbers

    /** A number starting at {@code i} ('-' or a digit); leaves pos after it. */
    private Value readNumber(int start) {
        final byte[] t = buf;
        final int n = len;
        int i = start;
        boolean negative = t[i] == '-';
        if (negative) i++;
        long m = 0;
        int digits = 0;                             // digits added to m (m is exact while digits <= 18)
        if (i >= n || !isDigit(t[i])) throw fail("expected a digit", i);
        if (t[i] == '0') {
            i++;
            if (i < n && isDigit(t[i])) throw new Failure("leading zero in number" + at(start));
            digits = 1;
        } else {
            byte c;
            while (i < n && isDigit(c = t[i])) {
                if (digits < 19) m = m * 10 + (c - '0');
                digits++;
                i++;
            }
        }
        int scale = 0;
        int expDigits = 0;
        boolean integer = true;
        if (i < n && t[i] == '.') {
            integer = false;
            i++;
            if (i >= n || !isDigit(t[i])) throw fail("expected a digit after '.'", i);
            byte c;
            while (i < n && isDigit(c = t[i])) {
                if (digits < 19) {
                    m = m * 10 + (c - '0');
                    scale--;
                }
                digits++;
                i++;
            }
        }
        if (i < n && (t[i] | 0x20) == 'e') {
            integer = false;
            i++;
            boolean negExp = false;
            if (i < n && (t[i] == '+' || t[i] == '-')) negExp = t[i++] == '-';
            if (i >= n || !isDigit(t[i])) throw fail("expected a digit in exponent", i);
            int e = 0;
            byte c;
            while (i < n && isDigit(c = t[i])) {
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
            return bigInteger(ascii(start, i));
        }
        // exact fast path: m and 10^|scale| are exact doubles, so one multiplication or division rounds correctly
        if (digits <= 18 && m < (1L << 53) && scale >= -22 && scale <= 22) {
            double d = scale < 0 ? m / POW10[-scale] : m * POW10[scale];
            return new Value.Float(negative ? -d : d);
        }
        return new Value.Float(Double.parseDouble(ascii(start, i)));
    }

    private String ascii(int from, int to) {
        return new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /** An integer of 19 or more digits: an Int if it fits a long, otherwise a Float (as Jackson's BIG_INTEGER). */
    private static Value bigInteger(String digits) {
        java.math.BigInteger b = new java.math.BigInteger(digits);
        return b.bitLength() <= 63 ? new Value.Int(b.longValue()) : new Value.Float(b.doubleValue());
    }

    private static boolean isDigit(byte c) { return c >= '0' && c <= '9'; }

    /** The four hex digits at {@code k} as a number, or -1. */
    private int hex4(int k) {
        if (k + 4 > len) return -1;
        int v = 0;
        for (int j = k; j < k + 4; j++) {
            int d = hex(buf[j]);
            if (d < 0) return -1;
            v = (v << 4) | d;
        }
        return v;
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    // ---- errors

    private Failure fail(String what, int i) {
        return new Failure(what + at(i) + ", found " + (i >= len ? "end of input" : printable(codePointAt(i))));
    }

    /** Where: a byte offset into the line. */
    private static String at(int i) { return " at offset " + i; }

    private static String printable(int c) {
        return c > ' ' && c < 0x7f ? "'" + (char) c + "'" : String.format("U+%04X", c);
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
