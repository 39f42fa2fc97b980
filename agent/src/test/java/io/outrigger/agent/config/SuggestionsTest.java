package io.outrigger.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SuggestionsTest {

    private static final List<String> KEYS = List.of("paths", "read_from", "max_line_bytes", "type");

    @Test
    void typosTranspositionsAndCamelCaseFindTheKey() {
        assertEquals(Optional.of("paths"), Suggestions.nearest("pahts", KEYS));
        assertEquals(Optional.of("paths"), Suggestions.nearest("path", KEYS));
        assertEquals(Optional.of("read_from"), Suggestions.nearest("readFrom", KEYS));
        assertEquals(Optional.of("read_from"), Suggestions.nearest("read-from", KEYS));
        assertEquals(Optional.of("max_line_bytes"), Suggestions.nearest("max_line_byte", KEYS));
        assertEquals(Optional.of("type"), Suggestions.nearest("tpye", KEYS));
    }

    @Test
    void farAwayWordsGetNoSuggestion() {
        assertEquals(Optional.empty(), Suggestions.nearest("compression", KEYS));
        assertEquals(Optional.empty(), Suggestions.nearest("x", List.of("abc")));
        assertEquals(Optional.empty(), Suggestions.nearest("anything", List.of()));
    }

    @Test
    void messages() {
        assertEquals("unknown key \"pahts\" (did you mean \"paths\"?)", Suggestions.unknownKey("pahts", KEYS));
        assertEquals("unknown key \"zzz\" (known keys: max_line_bytes, paths, read_from, type)",
                Suggestions.unknownKey("zzz", KEYS));
        assertEquals("unknown key \"zzz\" (this block takes no keys)", Suggestions.unknownKey("zzz", List.of()));
        assertEquals("unknown input type \"fiel\" (did you mean \"file\"? known: file, prometheus_scrape)",
                Suggestions.unknownName("input type", "fiel", List.of("prometheus_scrape", "file")));
    }

    @Test
    void distanceCountsATranspositionAsOneEdit() {
        assertEquals(1, Suggestions.distance("fiel", "file"));
        assertEquals(3, Suggestions.distance("kitten", "sitting"));
        assertEquals(0, Suggestions.distance("", ""));
    }
}
