package io.outrigger.inputs.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.pipeline.Finalizer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TailedFileTest {

    private final CheckpointStore store = CheckpointStore.inMemory();

    private TailedFile file() {
        return new TailedFile("app", store, "1:42", Path.of("/logs/a.log"), 0, false, 0);
    }

    @Test void onlyTheCurrentIncarnationMovesTheCheckpoint() {
        TailedFile f = file();
        f.startAt(0, 100);
        Finalizer old = f.tracker().submit(50, 1);
        f.startAt(0, 100); // truncated: a new incarnation
        Finalizer fresh = f.tracker().submit(10, 1);
        old.release();
        assertEquals(0, store.get("app", "1:42").offset(), "the old incarnation's acknowledgement is ignored");
        fresh.release();
        assertEquals(10, store.get("app", "1:42").offset());
    }

    @Test void releasedFileRemovesItsCheckpointOnceAcknowledged() {
        TailedFile f = file();
        f.startAt(0, 100);
        Finalizer a = f.tracker().submit(30, 1);
        f.release();
        assertNotNull(store.get("app", "1:42"));
        a.release();
        assertNull(store.get("app", "1:42"));
    }

    @Test void lateAcknowledgementOfAReleasedFileDoesNotTouchAReusedInodesCheckpoint() {
        TailedFile old = file();
        old.startAt(0, 100);
        Finalizer a = old.tracker().submit(30, 1);
        old.release();
        TailedFile reused = file(); // same device:inode, another file
        reused.fingerprint = 777;
        reused.startAt(0, 100);
        Finalizer b = reused.tracker().submit(5, 1);
        b.release();
        a.release();
        assertEquals(5, store.get("app", "1:42").offset());
        assertEquals(777, store.get("app", "1:42").fingerprint());
    }
}
