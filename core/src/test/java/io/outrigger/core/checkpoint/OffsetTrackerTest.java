package io.outrigger.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.outrigger.core.pipeline.Finalizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    private final List<Long> advances = new ArrayList<>();
    private final OffsetTracker tracker = new OffsetTracker(100, advances::add);

    @Test
    void commitsOnlyAcrossAnUnbrokenRunOfAcknowledgedChunks() {
        Finalizer a = tracker.submit(200, 2);
        Finalizer b = tracker.submit(300, 1);
        Finalizer c = tracker.submit(400, 1);

        b.release();
        c.release();
        assertEquals(100, tracker.committed(), "a is still in flight, so nothing after it may commit");

        a.release();
        assertEquals(100, tracker.committed(), "a has one more record in flight");
        a.release();
        assertEquals(400, tracker.committed());
        assertEquals(List.of(400L), advances);
        assertEquals(0, tracker.inFlightChunks());
    }

    @Test
    void retainedRecordsNeedEveryHolderToRelease() {
        Finalizer a = tracker.submit(150, 1);
        a.retain(2); // routed to three outputs
        a.release();
        a.release();
        assertEquals(100, tracker.committed());
        a.release();
        assertEquals(150, tracker.committed());
    }

    @Test
    void chunkWithoutRecordsCommitsOnceEverythingBeforeItDid() {
        Finalizer a = tracker.submit(200, 1);
        tracker.submit(250, 0); // only empty lines
        assertEquals(100, tracker.committed());
        a.release();
        assertEquals(250, tracker.committed());
    }

    @Test
    void emptyChunkAtTheHeadCommitsAtOnce() {
        tracker.submit(180, 0);
        assertEquals(180, tracker.committed());
    }

    @Test
    void rejectsChunksOutOfOrderAndDoubleReleases() {
        tracker.submit(300, 1).release();
        assertThrows(IllegalArgumentException.class, () -> tracker.submit(200, 1));
        Finalizer f = tracker.submit(400, 1);
        f.release();
        assertThrows(IllegalStateException.class, f::release);
    }

    @Test
    void joinedRecordReleasesAllItsParts() {
        Finalizer a = tracker.submit(200, 1);
        Finalizer b = tracker.submit(300, 1);
        Finalizer joined = Finalizer.all(List.of(a, b));
        assertEquals(100, tracker.committed());
        joined.release();
        assertEquals(300, tracker.committed());
    }
}
