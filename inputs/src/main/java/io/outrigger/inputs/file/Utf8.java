package io.outrigger.inputs.file;

import java.nio.charset.StandardCharsets;

/** UTF-8 decoding for lines: the JDK's decoder (which replaces bad bytes with U+FFFD), plus a check for that case. */
final class Utf8 {

    private Utf8() {}

    /**
     * Decodes {@code len} bytes. The JDK's String constructor has an ASCII fast path and replaces malformed input
     * with U+FFFD; a line whose decoded text holds no U+FFFD (nearly always) was valid, so the validator runs only
     * for lines that do.
     */
    static String decode(byte[] b, int off, int len) {
        return new String(b, off, len, StandardCharsets.UTF_8);
    }

    /** True when {@code s}, decoded from those bytes, replaced malformed input. */
    static boolean replaced(String s, byte[] b, int off, int len) {
        return s.indexOf('\uFFFD') >= 0 && !isValid(b, off, len);
    }

    /** Strict UTF-8 validation (no overlong forms, no surrogates, nothing above U+10FFFF). */
    static boolean isValid(byte[] b, int off, int len) { return io.outrigger.core.event.Utf8.isValid(b, off, len); }

    /** Where to cut {@code len} bytes at most so that no multi-byte character is split: backs over continuations. */
    static int cutPoint(byte[] b, int off, int len) {
        int cut = len;
        int back = 0;
        while (cut > 0 && back < 3 && (b[off + cut] & 0xC0) == 0x80) {
            cut--;
            back++;
        }
        return back == 3 && (b[off + cut] & 0xC0) == 0x80 ? len : cut;
    }
}
