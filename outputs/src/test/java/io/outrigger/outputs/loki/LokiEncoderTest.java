package io.outrigger.outputs.loki;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.outrigger.core.event.Labels;
import io.outrigger.outputs.loki.proto.LokiPush;
import java.util.List;
import org.junit.jupiter.api.Test;

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

    private static LokiEntry entry(int i, String stream, long t, String line) {
        return new LokiEntry(i, stream, t, line, List.of());
    }
}
