package io.outrigger.core.event;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * UTF-8 checks on raw bytes, for text kept as the bytes it was read as ({@link LogRecord#utf8Message()}). ASCII
 * runs are checked eight bytes at a time; the strict check (no overlong forms, no surrogates, nothing above
 * U+10FFFF) runs from the first byte above 0x7F. Bytes it accepts decode with the JDK's UTF-8 decoder without a
 * single replacement, and the reverse.
 */
public final class Utf8 {

    static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    private Utf8() {}

    /** True when {@code b[off, off + len)} is well-formed UTF-8. */
    public static boolean isValid(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        while (i <= end - 8) {
            if (((long) LONGS.get(b, i) & HIGH_BITS) != 0) break;
            i += 8;
        }
        while (i < end) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
            } else if (c >= 0xC2 && c <= 0xDF) {
                if (i + 1 >= end || !cont(b[i + 1])) return false;
                i += 2;
            } else if (c >= 0xE0 && c <= 0xEF) {
                if (i + 2 >= end || !cont(b[i + 1]) || !cont(b[i + 2])) return false;
                int c1 = b[i + 1] & 0xFF;
                if (c == 0xE0 && c1 < 0xA0) return false;     // overlong
                if (c == 0xED && c1 >= 0xA0) return false;    // surrogate
                i += 3;
            } else if (c >= 0xF0 && c <= 0xF4) {
                if (i + 3 >= end || !cont(b[i + 1]) || !cont(b[i + 2]) || !cont(b[i + 3])) return false;
                int c1 = b[i + 1] & 0xFF;
                if (c == 0xF0 && c1 < 0x90) return false;     // overlong
                if (c == 0xF4 && c1 >= 0x90) return false;    // above U+10FFFF
                i += 4;
            } else {
                return false;
            }
        }
        return true;
    }

    private static boolean cont(byte b) { return (b & 0xC0) == 0x80; }
}
