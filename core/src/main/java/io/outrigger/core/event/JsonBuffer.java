package io.outrigger.core.event;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable UTF-8 byte buffer for writing JSON on the hot path: strings are escaped and encoded in one pass
 * straight into bytes, so rendering a record costs no intermediate {@code StringBuilder}, {@code String} or
 * {@code getBytes} copy. Not thread-safe; reuse one per thread with {@link #reset()}.
 */
public final class JsonBuffer {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** "00" to "99": the two digits of each number below 100. */
    private static final byte[] DIGIT_PAIRS = new byte[200];

    static {
        for (int i = 0; i < 100; i++) {
            DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
            DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }
    /** For ASCII chars: 0 = copy as is, 1 = needs an escape. */
    private static final byte[] ESCAPE = new byte[128];

    static {
        for (int c = 0; c < 0x20; c++) ESCAPE[c] = 1;
        ESCAPE['"'] = 1;
        ESCAPE['\\'] = 1;
    }

    /** Strings up to this many chars are encoded through the kept scratch array; longer ones through a new one. */
    private static final int MAX_SCRATCH_CHARS = 64 * 1024;

    private byte[] buf;
    private int pos;
    private char[] chars = new char[0]; // grown on the first string

    public JsonBuffer(int capacity) { buf = new byte[Math.max(16, capacity)]; }

    public JsonBuffer() { this(8192); }

    public void reset() { pos = 0; }

    /** Drops the backing array if it grew past {@code maxRetained} bytes, so one huge batch does not pin memory. */
    public void shrinkTo(int maxRetained) {
        if (buf.length > maxRetained) buf = new byte[Math.max(16, maxRetained / 4)];
        pos = 0;
    }

    public int length() { return pos; }

    public byte[] array() { return buf; }

    public byte[] toByteArray() { return Arrays.copyOf(buf, pos); }

    @Override public String toString() { return new String(buf, 0, pos, StandardCharsets.UTF_8); }

    public void writeTo(OutputStream out) throws IOException { out.write(buf, 0, pos); }

    private void ensure(int extra) {
        if (pos + extra > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + extra));
    }

    public JsonBuffer append(byte b) {
        ensure(1);
        buf[pos++] = b;
        return this;
    }

    public JsonBuffer append(char asciiChar) { return append((byte) asciiChar); }

    /** Appends text known to be ASCII with nothing to escape (keys, numbers, fixed punctuation). */
    public JsonBuffer appendAscii(String s) {
        int len = s.length();
        ensure(len);
        s.getBytes(0, len, buf, pos); // deprecated for its lossy narrowing, exactly right for known ASCII
        pos += len;
        return this;
    }

    public JsonBuffer append(byte[] bytes, int off, int len) {
        ensure(len);
        System.arraycopy(bytes, off, buf, pos, len);
        pos += len;
        return this;
    }

    /** Appends a decimal number, digits written in place (no String per number), two at a time. */
    public JsonBuffer append(long v) {
        if (v == Long.MIN_VALUE) return appendAscii(Long.toString(v));
        ensure(20);
        byte[] b = buf;
        int p = pos;
        if (v < 0) {
            b[p++] = '-';
            v = -v;
        }
        int digits = digits(v);
        int i = p + digits;
        while (v >= 100) {
            int r = (int) (v % 100);
            v /= 100;
            b[--i] = DIGIT_PAIRS[2 * r + 1];
            b[--i] = DIGIT_PAIRS[2 * r];
        }
        if (v >= 10) {
            b[--i] = DIGIT_PAIRS[2 * (int) v + 1];
            b[--i] = DIGIT_PAIRS[2 * (int) v];
        } else {
            b[--i] = (byte) ('0' + v);
        }
        pos = p + digits;
        return this;
    }

    /** Decimal digits of {@code v >= 0}. */
    private static int digits(long v) {
        int d = 1;
        for (long t = 10; d < 19 && v >= t; t *= 10) d++;
        return d;
    }

    /** Appends a non-negative number left-padded with zeros to {@code width} digits. */
    public JsonBuffer appendPadded(int v, int width) {
        ensure(width);
        for (int i = width - 1; i >= 0; i--) {
            buf[pos + i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        pos += width;
        return this;
    }

    /**
     * Appends {@code s} encoded as UTF-8, unquoted and unescaped (raw text, e.g. a log line), through the same
     * scratch array as {@link #appendString}: nothing allocated per string. An unpaired surrogate becomes {@code ?}.
     */
    public JsonBuffer appendUtf8(String s) {
        int n = s.length();
        char[] src = n <= MAX_SCRATCH_CHARS ? scratch(n) : new char[n];
        s.getChars(0, n, src, 0);
        ensure(n * 3);
        byte[] b = buf;
        int p = pos;
        for (int i = 0; i < n; i++) {
            char c = src[i];
            if (c < 0x80) {
                b[p++] = (byte) c;
            } else {
                p = putNonAscii(b, p, c, i + 1 < n ? src[i + 1] : 0);
                if (Character.isSurrogatePair(c, i + 1 < n ? src[i + 1] : 0)) i++;
            }
        }
        pos = p;
        return this;
    }

    /**
     * Writes {@code c} (at least U+0080) as UTF-8 at {@code b[p]} and returns the position after it: with
     * {@code next}, the pair's code point when {@code c} is a high surrogate and {@code next} its low one (the caller
     * then skips {@code next}); {@code ?} for an unpaired surrogate, which UTF-8 cannot encode.
     */
    private static int putNonAscii(byte[] b, int p, char c, char next) {
        if (c < 0x800) {
            b[p++] = (byte) (0xC0 | c >> 6);
            b[p++] = (byte) (0x80 | c & 0x3F);
        } else if (Character.isSurrogate(c)) {
            if (Character.isSurrogatePair(c, next)) {
                int cp = Character.toCodePoint(c, next);
                b[p++] = (byte) (0xF0 | cp >> 18);
                b[p++] = (byte) (0x80 | cp >> 12 & 0x3F);
                b[p++] = (byte) (0x80 | cp >> 6 & 0x3F);
                b[p++] = (byte) (0x80 | cp & 0x3F);
            } else {
                b[p++] = '?';
            }
        } else {
            b[p++] = (byte) (0xE0 | c >> 12);
            b[p++] = (byte) (0x80 | c >> 6 & 0x3F);
            b[p++] = (byte) (0x80 | c & 0x3F);
        }
        return p;
    }

    /**
     * Appends {@code s} as a quoted, escaped JSON string, encoded as UTF-8 in one pass. The chars are copied into
     * a scratch array this buffer keeps ({@code getChars}, an intrinsic that inflates Latin-1 text), so rendering
     * allocates nothing per string: fewer young collections on the output thread. U+2028 and U+2029, valid JSON,
     * are escaped so that no JavaScript or line-based reader splits on them; an unpaired surrogate, which UTF-8
     * cannot encode, becomes {@code ?}.
     */
    public JsonBuffer appendString(String s) {
        int n = s.length();
        char[] src = n <= MAX_SCRATCH_CHARS ? scratch(n) : new char[n];
        s.getChars(0, n, src, 0);
        ensure(n * 6 + 2);
        byte[] b = buf;
        int p = pos;
        b[p++] = '"';
        for (int i = 0; i < n; i++) {
            char c = src[i];
            if (c < 0x80) {
                if (ESCAPE[c] == 0) {
                    b[p++] = (byte) c;
                    continue;
                }
                p = escape(b, p, c);
            } else if (c == '\u2028' || c == '\u2029') {
                b[p++] = '\\';
                b[p++] = 'u';
                b[p++] = '2';
                b[p++] = '0';
                b[p++] = '2';
                b[p++] = (byte) (c == '\u2028' ? '8' : '9');
            } else {
                p = putNonAscii(b, p, c, i + 1 < n ? src[i + 1] : 0);
                if (Character.isSurrogatePair(c, i + 1 < n ? src[i + 1] : 0)) i++;
            }
        }
        b[p++] = '"';
        pos = p;
        return this;
    }

    /**
     * Appends UTF-8 text, given as its bytes, as a quoted, escaped JSON string: the fast path for messages kept as
     * the bytes they were read as. {@code src[off, off + len)} must be well-formed UTF-8 ({@link Utf8#isValid}).
     * Eight bytes at a time are copied and tested at once for anything to escape ({@code "}, {@code \\}, a control
     * char) or a byte above 0x7F, so plain text costs a load, a store and a few ALU operations per eight bytes; only
     * the bytes found are handled one by one. Multi-byte characters pass as they are, but for U+2028 and U+2029,
     * escaped as {@link #appendString} does.
     */
    public JsonBuffer appendUtf8String(byte[] src, int off, int len) {
        ensure(len * 6 + 10); // worst case: every byte a control char (a six-byte escape), plus room for one 8-byte store
        byte[] b = buf;
        int p = pos;
        b[p++] = '"';
        int i = off;
        int end = off + len;
        while (i <= end - 8) {
            long w = (long) Utf8.LONGS.get(src, i);
            // one flag bit per byte, exact (no carry crosses bytes): above 0x7F, below 0x20, '"' or '\\'
            long low7 = w & 0x7F7F7F7F7F7F7F7FL;
            long q = low7 ^ 0x2222222222222222L;
            long s = low7 ^ 0x5C5C5C5C5C5C5C5CL;
            long m = (w | ~((low7 + 0x6060606060606060L) & (q + 0x7F7F7F7F7F7F7F7FL) & (s + 0x7F7F7F7F7F7F7F7FL)))
                    & 0x8080808080808080L;
            Utf8.LONGS.set(b, p, w); // the whole word goes out; p advances only over what is final
            if (m == 0) {
                i += 8;
                p += 8;
                continue;
            }
            if ((m & w) == 0) {
                // only ASCII escapes: each is written in place and the rest of the word stored again after it
                int done = 0;
                do {
                    int k = Long.numberOfTrailingZeros(m) >>> 3;
                    p = escape(b, p + k - done, (int) (w >>> (k << 3)) & 0xFF);
                    done = k + 1;
                    m &= m - 1;
                    if (done < 8) Utf8.LONGS.set(b, p, w >>> (done << 3));
                } while (m != 0);
                p += 8 - done;
                i += 8;
                continue;
            }
            int k = Long.numberOfTrailingZeros(m) >>> 3; // a byte above 0x7F is in this word: up to the first flag
            i += k;
            p += k;
            int c = src[i] & 0xFF;
            if (c < 0x80) {
                p = escape(b, p, c);
                i++;
            } else {
                int n = special(src, i, end, b, p);
                i += n & 7;
                p += n >>> 3;
            }
        }
        while (i < end) {
            int c = src[i] & 0xFF;
            if (c < 0x80) {
                if (ESCAPE[c] == 0) b[p++] = (byte) c;
                else p = escape(b, p, c);
                i++;
            } else {
                int n = special(src, i, end, b, p);
                i += n & 7;
                p += n >>> 3;
            }
        }
        b[p++] = '"';
        pos = p;
        return this;
    }

    /** Appends all of {@code src} as {@link #appendUtf8String(byte[], int, int)} does. */
    public JsonBuffer appendUtf8String(byte[] src) { return appendUtf8String(src, 0, src.length); }

    /** Writes the escape for ASCII char {@code c} at {@code p}; returns the position after it. */
    private static int escape(byte[] b, int p, int c) {
        b[p++] = '\\';
        switch (c) {
            case '"' -> b[p++] = '"';
            case '\\' -> b[p++] = '\\';
            case '\n' -> b[p++] = 'n';
            case '\r' -> b[p++] = 'r';
            case '\t' -> b[p++] = 't';
            case '\b' -> b[p++] = 'b';
            case '\f' -> b[p++] = 'f';
            default -> {
                b[p++] = 'u';
                b[p++] = '0';
                b[p++] = '0';
                b[p++] = HEX[c >> 4 & 15];
                b[p++] = HEX[c & 15];
            }
        }
        return p;
    }

    /**
     * Copies the multi-byte character that starts at {@code src[i]} to {@code b[p]}, escaping U+2028 and U+2029.
     * Returns the bytes read in the low 3 bits and the bytes written above them.
     */
    private static int special(byte[] src, int i, int end, byte[] b, int p) {
        int c = src[i] & 0xFF;
        if (c == 0xE2 && i + 2 < end && src[i + 1] == (byte) 0x80 && (src[i + 2] == (byte) 0xA8 || src[i + 2] == (byte) 0xA9)) {
            b[p] = '\\';
            b[p + 1] = 'u';
            b[p + 2] = '2';
            b[p + 3] = '0';
            b[p + 4] = '2';
            b[p + 5] = (byte) (src[i + 2] == (byte) 0xA8 ? '8' : '9');
            return 3 | 6 << 3;
        }
        int n = Math.min(c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2, end - i);
        for (int k = 0; k < n; k++) b[p + k] = src[i + k];
        return n | n << 3;
    }

    private char[] scratch(int n) {
        if (chars.length < n) chars = new char[Math.max(n, Math.min(MAX_SCRATCH_CHARS, Math.max(256, chars.length * 2)))];
        return chars;
    }
}
