package io.outrigger.inputs.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.event.Flag;
import io.outrigger.inputs.file.LineSplitter.LineBatch;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSplitterTest {

    record Line(String text, long start, long end, int flags) {}

    /** Feeds {@code data} in blocks of {@code blockSize} and collects the lines. */
    private static List<Line> split(byte[] data, int blockSize, int max, LineBatch out, long[] boundary) {
        return split(data, blockSize, max, out, boundary, false);
    }

    private static List<Line> split(byte[] data, int blockSize, int max, LineBatch out, long[] boundary, boolean skipEmpty) {
        LineSplitter s = new LineSplitter(max, 0, skipEmpty);
        List<Line> lines = new ArrayList<>();
        for (int off = 0; off < data.length; off += blockSize) {
            int n = Math.min(blockSize, data.length - off);
            byte[] block = Arrays.copyOfRange(data, off, off + n);
            out.clear(out.boundary);
            s.feed(block, n, off, out);
            for (int i = 0; i < out.size; i++) lines.add(new Line(out.text(i), out.starts[i], out.ends[i], out.flags[i]));
        }
        if (boundary != null) boundary[0] = out.boundary;
        return lines;
    }

    private static List<Line> split(String text, int blockSize, int max) {
        return split(text.getBytes(StandardCharsets.UTF_8), blockSize, max, new LineBatch(), null);
    }

    @Test void splitsOnNewlineStripsCarriageReturnKeepsEmptyLines() {
        for (int block : new int[] {1, 2, 3, 7, 1024}) {
            List<Line> lines = split("a\r\n\n\r\nbb\ncc\r\n", block, 100);
            assertEquals(List.of(new Line("a", 0, 3, 0), new Line("", 3, 4, 0), new Line("", 4, 6, 0), new Line("bb", 6, 9, 0),
                    new Line("cc", 9, 13, 0)), lines, "block size " + block);
        }
    }

    @Test void skipEmptyLinesLeavesThemOut() {
        for (int block : new int[] {1, 2, 3, 7, 1024}) {
            List<Line> lines = split("a\r\n\n\r\nbb\ncc\r\n".getBytes(StandardCharsets.UTF_8), block, 100, new LineBatch(), null, true);
            assertEquals(List.of(new Line("a", 0, 3, 0), new Line("bb", 6, 9, 0), new Line("cc", 9, 13, 0)), lines,
                    "block size " + block);
        }
    }

    @Test void boundaryCoversEmptyLinesAndStopsBeforePartialLine() {
        LineBatch out = new LineBatch();
        long[] boundary = new long[1];
        List<Line> lines = split("x\n\n\npartial".getBytes(StandardCharsets.UTF_8), 64, 100, out, boundary, true);
        assertEquals(1, lines.size());
        assertEquals(4, boundary[0]);
        assertEquals(3, split("x\n\n\npartial".getBytes(StandardCharsets.UTF_8), 64, 100, new LineBatch(), boundary).size());
        assertEquals(4, boundary[0]);
    }

    @Test void wellFormedLinesStayBytesAndBadOnesAreDecodedAndFlagged() {
        LineSplitter s = new LineSplitter(100, 0);
        LineBatch out = new LineBatch();
        byte[] b = "caf\u00e9 ok\nbad \u00ff\n".getBytes(StandardCharsets.UTF_8);
        b[b.length - 2] = (byte) 0xFF; // the second byte of \u00ff becomes a lone 0xFF
        b[b.length - 3] = 'x';
        s.feed(b, b.length, 0, out);
        assertEquals(2, out.size);
        assertArrayEquals("caf\u00e9 ok".getBytes(StandardCharsets.UTF_8), (byte[]) out.messages[0]);
        assertEquals(0, out.flags[0]);
        assertEquals("bad x\uFFFD", out.messages[1]);
        assertEquals(Flag.INVALID_UTF8.bit(), out.flags[1]);
    }

    /**
     * Random lines of ASCII, multi-byte characters and bad bytes, newlines at every place in an 8-byte word and
     * blocks of every size: each line comes out as its bytes decode, flagged exactly when they are not UTF-8.
     */
    @Test void randomLinesKeepTheirTextAndFlagsWhateverTheBlocks() {
        java.util.Random rnd = new java.util.Random(5);
        byte[][] pieces = {{'a'}, {'b'}, {' '}, "\u00e9".getBytes(StandardCharsets.UTF_8), "\u4e2d".getBytes(StandardCharsets.UTF_8),
                "\uD83D\uDE00".getBytes(StandardCharsets.UTF_8), {(byte) 0xFF}, {(byte) 0xC3}, {'\r'}};
        for (int round = 0; round < 300; round++) {
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            List<Line> want = new ArrayList<>();
            int lines = 1 + rnd.nextInt(12);
            for (int l = 0; l < lines; l++) {
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                int n = 1 + rnd.nextInt(20);
                for (int k = 0; k < n; k++) {
                    byte[] piece = pieces[rnd.nextInt(pieces.length) < 4 ? rnd.nextInt(3) : rnd.nextInt(pieces.length - 1)];
                    line.writeBytes(piece);
                }
                byte[] b = line.toByteArray();
                long start = data.size();
                data.writeBytes(b);
                data.write('\n');
                int len = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
                boolean valid = io.outrigger.core.event.Utf8.isValid(b, 0, len);
                want.add(new Line(new String(b, 0, len, StandardCharsets.UTF_8), start, data.size(),
                        valid ? 0 : Flag.INVALID_UTF8.bit()));
            }
            int block = 1 + rnd.nextInt(40);
            assertEquals(want, split(data.toByteArray(), block, 1000, new LineBatch(), null), "round " + round + ", blocks of " + block);
        }
    }

    @Test void partialLineIsFlushedWithTheFileEndAsItsEnd() {
        LineSplitter s = new LineSplitter(100, 10);
        LineBatch out = new LineBatch();
        byte[] b = "one\ntwo".getBytes(StandardCharsets.UTF_8);
        s.feed(b, b.length, 10, out);
        assertEquals(1, out.size);
        assertTrue(s.hasPartial());
        out.clear(out.boundary);
        assertTrue(s.flushPartial(17, out));
        assertEquals("two", out.text(0));
        assertEquals(14, out.starts[0]);
        assertEquals(17, out.ends[0]);
        assertEquals(17, out.boundary);
        assertFalse(s.hasPartial());
    }

    @Test void longLinesAreCutFlaggedAndTheRestSkipped() {
        String longLine = "x".repeat(50);
        for (int block : new int[] {1, 5, 16, 1000}) {
            List<Line> lines = split("a\n" + longLine + "\nb\n", block, 20);
            assertEquals(3, lines.size(), "block " + block);
            assertEquals("a", lines.get(0).text());
            assertEquals("x".repeat(20), lines.get(1).text());
            assertTrue((lines.get(1).flags() & Flag.TRUNCATED.bit()) != 0);
            assertEquals(2, lines.get(1).start());
            assertEquals(new Line("b", 53, 55, 0), lines.get(2));
        }
    }

    @Test void lineOfExactlyMaxBytesIsNotCut() {
        List<Line> lines = split("y".repeat(20) + "\r\n", 3, 20);
        assertEquals(List.of(new Line("y".repeat(20), 0, 22, 0)), lines);
    }

    @Test void cutKeepsWholeCharacters() {
        // 9 ASCII bytes then a 3-byte character: cutting at 10 would split it
        List<Line> lines = split("123456789€€\n", 4, 10);
        assertEquals("123456789", lines.getFirst().text());
        assertEquals(Flag.TRUNCATED.bit(), lines.getFirst().flags());
    }

    @Test void oneMebibyteLineInSmallBlocksHoldsOnlyMaxBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes("z".repeat(1 << 20).getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes("\nnext\n".getBytes(StandardCharsets.UTF_8));
        List<Line> lines = split(bytes.toByteArray(), 64 * 1024, 1024, new LineBatch(), null);
        assertEquals(2, lines.size());
        assertEquals(1024, lines.get(0).text().length());
        assertEquals("next", lines.get(1).text());
        assertEquals((1 << 20) + 1, lines.get(1).start());
        // a 1 MiB line that fits the limit arrives whole
        List<Line> whole = split(bytes.toByteArray(), 64 * 1024, 2 << 20, new LineBatch(), null);
        assertEquals(1 << 20, whole.get(0).text().length());
        assertEquals(0, whole.get(0).flags());
    }

    @Test void invalidUtf8IsReplacedAndFlagged() {
        byte[] data = {'o', 'k', (byte) 0xC3, '(', '\n', 'h', (byte) 0xC3, (byte) 0xA9, '\n', 0, 1, (byte) 0xFF, '\n'};
        List<Line> lines = split(data, 1000, 100, new LineBatch(), null);
        assertEquals("ok\uFFFD(", lines.get(0).text());
        assertEquals(Flag.INVALID_UTF8.bit(), lines.get(0).flags());
        assertEquals("hé", lines.get(1).text());
        assertEquals(0, lines.get(1).flags());
        assertEquals("\u0000\u0001\uFFFD", lines.get(2).text());
        assertEquals(Flag.INVALID_UTF8.bit(), lines.get(2).flags());
    }

    @Test void aRealReplacementCharacterIsNotFlagged() {
        List<Line> lines = split("a\uFFFDb\n", 2, 100);
        assertEquals(List.of(new Line("a\uFFFDb", 0, 6, 0)), lines);
    }

    @Test void validatorRejectsOverlongAndSurrogates() {
        assertFalse(Utf8.isValid(new byte[] {(byte) 0xC0, (byte) 0x80}, 0, 2));
        assertFalse(Utf8.isValid(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, 0, 3));
        assertFalse(Utf8.isValid(new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, 0, 4));
        assertTrue(Utf8.isValid("€𝄞é".getBytes(StandardCharsets.UTF_8), 0, "€𝄞é".getBytes(StandardCharsets.UTF_8).length));
    }
}
