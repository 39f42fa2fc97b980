package io.outrigger.outputs.loki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import io.outrigger.core.event.JsonBuffer;
import io.outrigger.core.event.Labels;
import io.outrigger.outputs.loki.proto.LokiPush;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import okio.Buffer;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

class LokiPushEncoderTest {

    private final LokiPushEncoder encoder = new LokiPushEncoder(2);

    /** What protobuf's generated classes make of the same streams: the bytes the encoder must produce. */
    private static byte[] generated(List<LokiEncoder.Stream> streams) {
        LokiPush.PushRequest.Builder req = LokiPush.PushRequest.newBuilder();
        for (LokiEncoder.Stream s : streams) {
            LokiPush.StreamAdapter.Builder sb = req.addStreamsBuilder().setLabels(s.labels());
            for (LokiEntry e : s.entries()) {
                LokiPush.EntryAdapter.Builder eb = sb.addEntriesBuilder()
                        .setTimestamp(Timestamp.newBuilder()
                                .setSeconds(Math.floorDiv(e.timeNanos(), 1_000_000_000L))
                                .setNanos((int) Math.floorMod(e.timeNanos(), 1_000_000_000L)))
                        .setLine(e.line());
                for (LokiEntry.Pair p : e.metadata()) eb.addStructuredMetadataBuilder().setName(p.name()).setValue(p.value());
            }
        }
        return req.build().toByteArray();
    }

    private static byte[] written(LokiPushEncoder.Body body) throws IOException {
        Buffer sink = new Buffer();
        body.writeTo(sink);
        assertEquals(body.contentLength(), sink.size());
        return sink.readByteArray();
    }

    @Test void protobufBodyIsSnappyBlockOfTheSameBytesAsTheGeneratedClasses() throws Exception {
        List<LokiEntry> entries = List.of(
                new LokiEntry(0, "{app=\"web\"}", 1_700_000_000_123_456_789L, "hello", List.of(new LokiEntry.Pair("trace_id", "abc"))),
                new LokiEntry(1, "{app=\"web\"}", 1_700_000_001_000_000_000L, "", List.of()),          // no nanos, empty line
                new LokiEntry(2, "{app=\"db\", zone=\"é\"}", 0, "zéro → ∞ 😀", List.of(new LokiEntry.Pair("", "v"))),
                new LokiEntry(3, "{app=\"web\"}", -1, "before 1970", List.of(new LokiEntry.Pair("k", ""))),
                new LokiEntry(4, "{app=\"db\", zone=\"é\"}", 5, "x".repeat(300), List.of()));       // a 2-byte length
        List<LokiEncoder.Stream> streams = LokiEncoder.group(new ArrayList<>(entries));
        LokiPushEncoder.Body body = encoder.encode(streams, false, Map.of());
        byte[] raw = Snappy.uncompress(written(body));
        assertArrayEquals(generated(streams), raw);
        assertEquals("application/x-protobuf", body.contentType().toString());
        LokiPush.PushRequest req = LokiPush.PushRequest.parseFrom(raw);
        assertEquals("{app=\"web\"}", req.getStreams(0).getLabels());
        assertEquals(123_456_789, req.getStreams(0).getEntries(1).getTimestamp().getNanos());
        assertEquals("zéro → ∞ 😀", req.getStreams(1).getEntries(0).getLine());
        body.release();
    }

    @Test void randomBatchesEncodeAsTheGeneratedClassesDo() throws Exception {
        Random rnd = new Random(17);
        for (int round = 0; round < 60; round++) {
            List<LokiEntry> entries = new ArrayList<>();
            JsonBuffer lines = new JsonBuffer(64);
            int n = 1 + rnd.nextInt(300);
            for (int i = 0; i < n; i++) {
                int start = lines.length();
                lines.appendUtf8(randomText(rnd, rnd.nextInt(5) == 0 ? 200 + rnd.nextInt(5_000) : rnd.nextInt(120)));
                List<LokiEntry.Pair> md = new ArrayList<>();
                for (int m = rnd.nextInt(3); m > 0; m--) md.add(new LokiEntry.Pair(randomText(rnd, 8), randomText(rnd, 20)));
                long t = rnd.nextLong(1_000_000_000_000_000_000L * 3) - 1_000_000_000_000_000_000L;
                entries.add(new LokiEntry(i, "{s=\"" + rnd.nextInt(4) + "\"}", t, lines, start, lines.length() - start, md));
            }
            List<LokiEncoder.Stream> streams = LokiEncoder.group(entries);
            LokiPushEncoder.Body body = encoder.encode(streams, false, Map.of());
            assertArrayEquals(generated(streams), Snappy.uncompress(written(body)), "round " + round);
            body.release();
        }
    }

    private static String randomText(Random rnd, int len) {
        StringBuilder sb = new StringBuilder(len);
        String alphabet = "abcXYZ09 \"\\\n\t{}é€😀→";
        while (sb.length() < len) sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        String s = sb.toString();
        if (s.isEmpty()) return s;
        return Character.isHighSurrogate(s.charAt(s.length() - 1)) ? s.substring(0, s.length() - 1) : s;
    }

    @Test void jsonBodyHasLokisShape() throws Exception {
        Labels labels = Labels.of("app", "web");
        String stream = LokiEncoder.renderLabels(labels);
        List<LokiEntry> entries = List.of(
                new LokiEntry(0, stream, 2_000, "second \"q\" é", List.of()),
                new LokiEntry(1, stream, 1_000, "first", List.of(new LokiEntry.Pair("user", "u1"))));
        LokiPushEncoder.Body body = encoder.encode(LokiEncoder.group(new ArrayList<>(entries)), true, Map.of(stream, labels));
        assertEquals("application/json", body.contentType().toString());
        JsonNode root = new ObjectMapper().readTree(written(body));
        JsonNode s = root.get("streams").get(0);
        assertEquals("web", s.get("stream").get("app").asText());
        assertEquals("1000", s.get("values").get(0).get(0).asText());
        assertEquals("first", s.get("values").get(0).get(1).asText());
        assertEquals("u1", s.get("values").get(0).get(2).get("user").asText());
        assertEquals(2, s.get("values").get(1).size());
        assertEquals("second \"q\" é", s.get("values").get(1).get(1).asText());
        body.release();
    }

    @Test void buffersAreReusedOnceReleasedAndAReleasedBodyIsNotWrittenAgain() throws Exception {
        List<LokiEncoder.Stream> streams = LokiEncoder.group(new ArrayList<>(List.of(new LokiEntry(0, "{a=\"1\"}", 1, "x", List.of()))));
        LokiPushEncoder.Body first = encoder.encode(streams, false, Map.of());
        LokiPushEncoder.Body second = encoder.encode(streams, false, Map.of()); // the first is still in flight
        assertArrayEquals(written(first), written(second));
        first.release();
        first.release(); // twice is harmless: the buffer goes back once
        assertThrows(IOException.class, () -> first.writeTo(new Buffer()));
        JsonBuffer lines = encoder.lineBuffer();
        encoder.release(lines);
        assertSame(lines, encoder.lineBuffer());
        assertNotSame(lines, encoder.lineBuffer());
        second.release();
    }
}
