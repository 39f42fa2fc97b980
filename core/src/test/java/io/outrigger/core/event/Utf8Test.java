package io.outrigger.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {

    private static boolean jdkAccepts(byte[] b, int off, int len) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, off, len));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Test
    void knownFormsAreJudgedAsTheStandardSays() {
        assertTrue(Utf8.isValid("plain ascii, longer than one word".getBytes(StandardCharsets.US_ASCII), 0, 33));
        byte[] ok = "caf\u00e9 \u4e2d \uD83D\uDE00".getBytes(StandardCharsets.UTF_8);
        assertTrue(Utf8.isValid(ok, 0, ok.length));
        byte[][] bad = {
            {(byte) 0xC0, (byte) 0x80},                         // overlong NUL
            {(byte) 0xE0, (byte) 0x80, (byte) 0x80},            // overlong
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80},            // a surrogate
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
            {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', (byte) 0xFF}, // a bad byte after a whole ASCII word
            {(byte) 0xE4, (byte) 0xB8},                         // cut short
        };
        for (byte[] b : bad) assertFalse(Utf8.isValid(b, 0, b.length));
    }

    @Test
    void agreesWithTheJdkDecoderOnRandomBytes() {
        Random rnd = new Random(11);
        byte[] pieces = "a\u00e9\u4e2d\uD83D\uDE00".getBytes(StandardCharsets.UTF_8);
        for (int round = 0; round < 50_000; round++) {
            byte[] b = new byte[rnd.nextInt(24)];
            for (int i = 0; i < b.length; i++) {
                b[i] = switch (rnd.nextInt(3)) {
                    case 0 -> (byte) rnd.nextInt(256);
                    case 1 -> pieces[rnd.nextInt(pieces.length)];
                    default -> (byte) ('a' + rnd.nextInt(26));
                };
            }
            int off = b.length == 0 ? 0 : rnd.nextInt(b.length);
            int len = b.length - off;
            assertEquals(jdkAccepts(b, off, len), Utf8.isValid(b, off, len), () -> java.util.HexFormat.of().formatHex(b));
        }
    }
}
