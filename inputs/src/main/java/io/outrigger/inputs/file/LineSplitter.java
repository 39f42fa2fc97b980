package io.outrigger.inputs.file;

import io.outrigger.core.event.Flag;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Cuts one file's bytes into lines, keeping what it needs between blocks: the start of a line still waiting for
 * its newline (at most {@code maxLineBytes + 1} bytes of it) and whether the rest of an over-long line is being
 * skipped. Lines end at {@code \n}; a {@code \r} before it is dropped; an empty line is a line (blank lines inside a
 * stack trace or SQL statement belong to its multiline record) unless {@code skipEmpty}. A line longer
 * than {@code maxLineBytes} is given out cut to that length (at a character boundary) as soon as that many bytes
 * are in, and the rest up to its newline is skipped without being held.
 *
 * <p>Used by the file's reader thread only.
 */
final class LineSplitter {

    private static final byte[] EMPTY = new byte[0];
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final int KEEP_CARRY = 64 * 1024;

    private final int maxLineBytes;
    private final boolean skipEmpty;
    private byte[] carry = EMPTY;
    private int carryLen;
    private boolean skipping;
    /** A partial line was just given out (or a cut line's rest skipped): the newline that ends it is no empty line. */
    private boolean justFlushed;
    private long lineStart;
    /** Set by {@link #newline}: a byte above 0x7F was seen before the newline it found. */
    private boolean high;

    LineSplitter(int maxLineBytes, long startOffset) {
        this(maxLineBytes, startOffset, false);
    }

    LineSplitter(int maxLineBytes, long startOffset, boolean skipEmpty) {
        this.maxLineBytes = maxLineBytes;
        this.lineStart = startOffset;
        this.skipEmpty = skipEmpty;
    }

    /** Forgets any partial line and restarts at {@code offset} (after a truncation). */
    void reset(long offset) {
        carryLen = 0;
        skipping = false;
        justFlushed = false;
        lineStart = offset;
        if (carry.length > KEEP_CARRY) carry = EMPTY;
    }

    /** True while bytes of an unfinished line are held, or the rest of a cut line is being skipped. */
    boolean hasPartial() { return carryLen > 0 || skipping; }

    /** File offset where the current (unfinished) line starts. */
    long lineStart() { return lineStart; }

    /**
     * Splits {@code len} bytes of {@code buf} that start at file offset {@code base}; lines go to {@code out}, whose
     * {@link LineBatch#boundary} becomes the end of the last complete line (or stays as it was).
     */
    void feed(byte[] buf, int len, long base, LineBatch out) {
        int seg = 0;
        int i = 0;
        while (i < len) {
            int nl = newline(buf, i, len);
            if (nl < 0) break;
            long end = base + nl + 1;
            if (skipping) {
                skipping = false;
            } else {
                line(buf, seg, nl, end, out);
            }
            if (carry.length > KEEP_CARRY) carry = EMPTY; // a long line passed: do not hold its buffer
            carryLen = 0;
            out.boundary = end;
            lineStart = end;
            seg = nl + 1;
            i = seg;
        }
        if (seg < len && !skipping) {
            int rem = len - seg;
            if ((long) carryLen + rem > maxLineBytes + 1L) {
                // over the limit before its newline: give out the first maxLineBytes now, skip the rest
                int take = maxLineBytes - carryLen;
                append(buf, seg, take + 1); // one byte more, to cut at a character boundary
                emitCut(carry, carryLen, lineStart, lineStart + maxLineBytes, out);
                if (carry.length > KEEP_CARRY) carry = EMPTY;
                carryLen = 0;
                skipping = true;
            } else {
                append(buf, seg, rem);
            }
        }
    }

    /**
     * Gives out the unfinished line as it is (its writer went quiet), ending at {@code endOffset}. After a cut line,
     * just stops skipping. Returns true when a line was added.
     */
    boolean flushPartial(long endOffset, LineBatch out) {
        boolean added = false;
        justFlushed = skipping || carryLen > 0;
        if (!skipping && carryLen > 0) {
            int n = carryLen;
            if (carry[n - 1] == '\r') n--;
            if (n > 0) {
                String s = Utf8.decode(carry, 0, n);
                out.add(s, lineStart, endOffset, Utf8.replaced(s, carry, 0, n) ? Flag.INVALID_UTF8.bit() : 0);
                added = true;
            }
        }
        carryLen = 0;
        skipping = false;
        lineStart = endOffset;
        out.boundary = endOffset;
        return added;
    }

    /**
     * The index of the first {@code \n} in {@code buf[from, len)}, or -1; eight bytes at a time. Also sets
     * {@link #high}: whether a byte above 0x7F came before it (if not, the line is ASCII and needs no UTF-8 check).
     */
    private int newline(byte[] buf, int from, int len) {
        long seen = 0;
        int k = from;
        for (; k <= len - 8; k += 8) {
            long w = (long) LONGS.get(buf, k);
            long x = w ^ 0x0A0A0A0A0A0A0A0AL;
            long m = (x - 0x0101010101010101L) & ~x & HIGH_BITS; // borrows only carry upwards: the lowest is exact
            if (m != 0) {
                int at = Long.numberOfTrailingZeros(m) >>> 3;
                if (at > 0) seen |= w & (-1L >>> (64 - 8 * at)); // the bytes before the newline
                high = (seen & HIGH_BITS) != 0;
                return k + at;
            }
            seen |= w;
        }
        for (; k < len; k++) {
            byte c = buf[k];
            if (c == '\n') {
                high = (seen & HIGH_BITS) != 0;
                return k;
            }
            seen |= c & 0x80;
        }
        return -1;
    }

    /** One complete line: the carried bytes plus buf[from, nl). */
    private void line(byte[] buf, int from, int nl, long end, LineBatch out) {
        int to = nl;
        if (to > from && buf[to - 1] == '\r') {
            to--;
        } else if (to == from && carryLen > 0 && carry[carryLen - 1] == '\r') {
            carryLen--;
        }
        int segLen = to - from;
        long total = (long) carryLen + segLen;
        boolean ending = justFlushed;
        justFlushed = false;
        if (total == 0) {
            if (!skipEmpty && !ending) out.add(EMPTY, lineStart, end, 0);
            return;
        }
        if (total > maxLineBytes) {
            if (carryLen == 0) {
                emitCut(buf, from, segLen, lineStart, end, out);
            } else {
                append(buf, from, Math.min(segLen, maxLineBytes + 1 - carryLen));
                emitCut(carry, carryLen, lineStart, end, out);
            }
            return;
        }
        if (carryLen == 0) {
            text(buf, from, segLen, !high, lineStart, end, out);
        } else {
            append(buf, from, segLen);
            text(carry, 0, carryLen, false, lineStart, end, out);
        }
    }

    /**
     * A line that fits: kept as its bytes when they are well-formed UTF-8 (nearly always; outputs then write them
     * without decoding), else decoded with U+FFFD for the bad bytes and flagged.
     */
    private static void text(byte[] b, int off, int len, boolean ascii, long start, long end, LineBatch out) {
        if (ascii || Utf8.isValid(b, off, len)) {
            out.add(Arrays.copyOfRange(b, off, off + len), start, end, 0);
        } else {
            out.add(Utf8.decode(b, off, len), start, end, Flag.INVALID_UTF8.bit());
        }
    }

    private void emitCut(byte[] b, int available, long start, long end, LineBatch out) {
        emitCut(b, 0, available, start, end, out);
    }

    /** A line cut to maxLineBytes; {@code b[off, off + available)} holds more than that many bytes. */
    private void emitCut(byte[] b, int off, int available, long start, long end, LineBatch out) {
        int cut = available > maxLineBytes ? Utf8.cutPoint(b, off, maxLineBytes) : available;
        String s = Utf8.decode(b, off, cut);
        int flags = Flag.TRUNCATED.bit() | (Utf8.replaced(s, b, off, cut) ? Flag.INVALID_UTF8.bit() : 0);
        out.add(s, start, end, flags);
        out.truncated++;
    }

    private void append(byte[] b, int off, int len) {
        int need = carryLen + len;
        if (need > carry.length) {
            int cap = Math.max(need, Math.min(maxLineBytes + 1, Math.max(256, carry.length * 2)));
            carry = Arrays.copyOf(carry, cap);
        }
        System.arraycopy(b, off, carry, carryLen, len);
        carryLen = need;
    }

    /**
     * Lines of one block, in parallel arrays reused from block to block. A message is its well-formed UTF-8 bytes
     * (a {@code byte[]}) or, when its bytes were not that or it was cut, its decoded text (a {@code String}).
     */
    static final class LineBatch {
        Object[] messages = new Object[1024];
        long[] starts = new long[1024];
        long[] ends = new long[1024];
        int[] flags = new int[1024];
        int size;
        int truncated;
        /** End offset of the last complete line seen; where a checkpoint may point. */
        long boundary;

        void clear(long boundaryNow) {
            Arrays.fill(messages, 0, size, null);
            size = 0;
            truncated = 0;
            boundary = boundaryNow;
        }

        /** Line {@code i} as text, whichever form it is held in. */
        String text(int i) {
            return messages[i] instanceof byte[] u ? new String(u, java.nio.charset.StandardCharsets.UTF_8) : (String) messages[i];
        }

        void add(Object message, long start, long end, int flag) {
            if (size == messages.length) {
                int cap = size * 2;
                messages = Arrays.copyOf(messages, cap);
                starts = Arrays.copyOf(starts, cap);
                ends = Arrays.copyOf(ends, cap);
                flags = Arrays.copyOf(flags, cap);
            }
            messages[size] = message;
            starts[size] = start;
            ends[size] = end;
            flags[size] = flag;
            size++;
        }
    }
}
