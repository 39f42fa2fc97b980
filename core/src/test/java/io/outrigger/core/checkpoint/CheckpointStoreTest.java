package io.outrigger.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {

    @TempDir Path dir;

    @Test
    void flushedCheckpointsAreReadBackAfterReopening() throws Exception {
        CheckpointStore store = CheckpointStore.open(dir);
        store.put(new FileCheckpoint("app", "/var/log/a.log", "2049:17", 42L, 1234));
        store.put(new FileCheckpoint("app", "/var/log/b.log", "2049:18", 0L, 10));
        store.remove("app", "2049:18");
        store.flush();

        CheckpointStore reopened = CheckpointStore.open(dir);
        assertNull(reopened.recoveredFromCorruption());
        assertEquals(1, reopened.all().size());
        FileCheckpoint c = reopened.get("app", "2049:17");
        assertEquals(1234, c.offset());
        assertEquals(42L, c.fingerprint());
        assertEquals("/var/log/a.log", c.path());
        assertFalse(Files.exists(dir.resolve("checkpoints.json.tmp")), "the temp file is renamed into place");
    }

    @Test
    void corruptFileIsMovedAsideAndEveryFileStartsOver() throws Exception {
        Files.writeString(dir.resolve("checkpoints.json"), "{\"version\":1,\"files\":[{\"input\":\"app\",\"pa");
        CheckpointStore store = CheckpointStore.open(dir);
        assertNotNull(store.recoveredFromCorruption());
        assertTrue(store.recoveredFromCorruption().contains("start again from their head"));
        assertTrue(store.all().isEmpty());
        assertTrue(Files.exists(dir.resolve("checkpoints.json.corrupt")));
        store.put(new FileCheckpoint("app", "/x", "1:2", 0, 5));
        store.flush();
        assertEquals(5, CheckpointStore.open(dir).get("app", "1:2").offset());
    }

    @Test
    void inMemoryStoreNeverWrites() throws Exception {
        CheckpointStore store = CheckpointStore.inMemory();
        store.put(new FileCheckpoint("app", "/x", "1:2", 0, 5));
        store.flush();
        assertEquals(5, store.get("app", "1:2").offset());
    }
}
