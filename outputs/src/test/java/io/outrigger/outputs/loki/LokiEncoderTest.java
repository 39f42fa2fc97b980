package io.outrigger.outputs.loki;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.outrigger.core.event.Labels;
import io.outrigger.outputs.loki.proto.LokiPush;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

class LokiEncoderTest {

    @Test void labelsRenderSortedWithEscapedValues() {
        Labels l = Labels.of("env", "pr\"od", "app", "a\\b\nc");
        assertEquals("{app=\"a\\\\b\\nc\", env=\"pr\\\"od\"}", LokiEncoder.renderLabels(l));
    }

    @Test void renderedLabelsParseBackAsLokiParsesThem() throws Exception {
        Labels l = Labels.of("app", "x\"y\\z\nw", "ns", "default");
        assertEquals(l.asMap(), LokiReceiver.parseLabels(LokiEncoder.renderLabels(l)));
    }

    @Test void groupsByStreamInFirstSeenOrderAndSortsStably() {
        List<LokiEntry> entries = List.of(
                entry(0, "{a=\"1\"}", 30, "c"),
                entry(1, "{a=\"2\"}", 5, "x"),
                entry(2, "{a=\"1\"}", 10, "a"),
                entry(3, "{a=\"1\"}", 30, "d"),
                entry(4, "{a=\"1\"}", 20, "b"));
        List<LokiEncoder.Stream> streams = LokiEncoder.group(entries);
        assertEquals(List.of("{a=\"1\"}", "{a=\"2\"}"), streams.stream().map(LokiEncoder.Stream::labels).toList());
        assertEquals(List.of("a", "b", "c", "d"), streams.get(0).entries().stream().map(LokiEntry::line).toList());
    }

    @Test void protobufBodyIsSnappyBlockOfPushRequest() throws Exception {
        LokiEntry e = new LokiEntry(0, "{app=\"web\"}", 1_700_000_000_123_456_789L, "hello",
                List.of(new LokiEntry.Pair("trace_id", "abc")));
        byte[] body = LokiEncoder.protobufBody(LokiEncoder.group(List.of(e)));
        LokiPush.PushRequest req = LokiPush.PushRequest.parseFrom(Snappy.uncompress(body));
        assertEquals(1, req.getStreamsCount());
        LokiPush.StreamAdapter s = req.getStreams(0);
        assertEquals("{app=\"web\"}", s.getLabels());
        assertEquals(1_700_000_000L, s.getEntries(0).getTimestamp().getSeconds());
        assertEquals(123_456_789, s.getEntries(0).getTimestamp().getNanos());
        assertEquals("hello", s.getEntries(0).getLine());
        assertEquals("trace_id", s.getEntries(0).getStructuredMetadata(0).getName());
        assertEquals("abc", s.getEntries(0).getStructuredMetadata(0).getValue());
    }

    @Test void protobufFieldNumbersAreLokis() {
        assertEquals(1, LokiPush.PushRequest.STREAMS_FIELD_NUMBER);
        assertEquals(1, LokiPush.StreamAdapter.LABELS_FIELD_NUMBER);
        assertEquals(2, LokiPush.StreamAdapter.ENTRIES_FIELD_NUMBER);
        assertEquals(3, LokiPush.StreamAdapter.HASH_FIELD_NUMBER);
        assertEquals(1, LokiPush.EntryAdapter.TIMESTAMP_FIELD_NUMBER);
        assertEquals(2, LokiPush.EntryAdapter.LINE_FIELD_NUMBER);
        assertEquals(3, LokiPush.EntryAdapter.STRUCTUREDMETADATA_FIELD_NUMBER);
        assertEquals(1, LokiPush.LabelPairAdapter.NAME_FIELD_NUMBER);
        assertEquals(2, LokiPush.LabelPairAdapter.VALUE_FIELD_NUMBER);
    }

    @Test void jsonBodyHasLokisShape() throws Exception {
        Labels labels = Labels.of("app", "web");
        String stream = LokiEncoder.renderLabels(labels);
        List<LokiEntry> entries = List.of(
                new LokiEntry(0, stream, 2_000, "second \"q\"", List.of()),
                new LokiEntry(1, stream, 1_000, "first", List.of(new LokiEntry.Pair("user", "u1"))));
        byte[] body = LokiEncoder.jsonBody(LokiEncoder.group(entries), Map.of(stream, labels));
        JsonNode root = new ObjectMapper().readTree(body);
        JsonNode s = root.get("streams").get(0);
        assertEquals("web", s.get("stream").get("app").asText());
        assertEquals("1000", s.get("values").get(0).get(0).asText());
        assertEquals("first", s.get("values").get(0).get(1).asText());
        assertEquals("u1", s.get("values").get(0).get(2).get("user").asText());
        assertEquals(2, s.get("values").get(1).size());
        assertEquals("second \"q\"", s.get("values").get(1).get(1).asText());
    }

    private static LokiEntry entry(int i, String stream, long t, String line) {
        return new LokiEntry(i, stream, t, line, List.of());
    }
}
