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
    /** For ASCII chars: 0 = copy as is, 1 = needs an escape. */
    private static final byte[] ESCAPE = new byte[128];

    static {
        for (int c = 0; c < 0x20; c++) ESCAPE[c] = 1;
        ESCAPE['"'] = 1;
        ESCAPE['\\'] = 1;
    }

    private byte[] buf;
    private int pos;

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

    public JsonBuffer append(long v) {
        if (v >= 0 && v < 10) return append((byte) ('0' + v));
        return appendAscii(Long.toString(v));
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

    private static boolean isLineSeparator(byte[] src, int i, int n) {
        return src[i] == (byte) 0xE2 && i + 2 < n && src[i + 1] == (byte) 0x80 && (src[i + 2] == (byte) 0xA8 || src[i + 2] == (byte) 0xA9);
    }

    /**
     * Appends {@code s} as a quoted, escaped JSON string, encoded as UTF-8. The string is encoded by the JDK's
     * intrinsic (a plain copy for Latin-1 text), then escaped byte by byte: UTF-8 multi-byte sequences never
     * contain bytes below 0x80, so only control characters, {@code "} and {@code \\} need a look. An unpaired
     * surrogate, which UTF-8 cannot encode, becomes {@code ?}.
     */
    public JsonBuffer appendString(String s) {
        byte[] src = s.getBytes(StandardCharsets.UTF_8);
        int n = src.length;
        ensure(n * 6 + 2);
        byte[] b = buf;
        int p = pos;
        b[p++] = '"';
        for (int i = 0; i < n; i++) {
            byte c = src[i];
            if (c >= 0 ? ESCAPE[c] == 0 : !isLineSeparator(src, i, n)) {
                b[p++] = c;
                continue;
            }
            if (c < 0) { // U+2028 / U+2029: valid JSON, but escaped so no JavaScript or line-based reader splits on them
                b[p++] = '\\';
                b[p++] = 'u';
                b[p++] = '2';
                b[p++] = '0';
                b[p++] = '2';
                b[p++] = (byte) (src[i + 2] == (byte) 0xA8 ? '8' : '9');
                i += 2;
                continue;
            }
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
        }
        b[p++] = '"';
        pos = p;
        return this;
    }
}
