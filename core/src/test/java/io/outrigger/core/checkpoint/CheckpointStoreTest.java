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
    void aFileWrittenByTheEarlierObjectMapperCodeLoadsAndIsWrittenBackByteForByte() throws Exception {
        byte[] old;
        try (var in = CheckpointStoreTest.class.getResourceAsStream("/checkpoint/jackson-databind-written.json")) {
            old = in.readAllBytes();
        }
        Files.write(dir.resolve("checkpoints.json"), old);
        CheckpointStore store = CheckpointStore.open(dir);
        assertNull(store.recoveredFromCorruption());
        assertEquals(new FileCheckpoint("app", "/var/log/a \"q\".log", "2049:17", -42L, 1234), store.get("app", "2049:17"));
        assertEquals(new FileCheckpoint("app", "/var/log/b.log", "2049:18", 0L, 10), store.get("app", "2049:18"));
        assertEquals(new FileCheckpoint("web", "/var/log/\u00fcn\u00ef.log", "2049:19", Long.MAX_VALUE, 0), store.get("web", "2049:19"));
        store.put(store.get("web", "2049:19")); // a change, so flush writes
        store.flush();
        assertEquals(new String(old, java.nio.charset.StandardCharsets.UTF_8),
                Files.readString(dir.resolve("checkpoints.json")), "same format, byte for byte");
    }

    @Test
    void unknownKeysAreSkippedAndMissingNumbersAreZero() throws Exception {
        Files.writeString(dir.resolve("checkpoints.json"), """
                {"version": 2, "written_by": {"agent": "x", "n": [1, 2]},
                 "files": [{"input": "app", "extra": [true], "path": "/x", "file_id": "1:2", "offset": 5}]}""");
        CheckpointStore store = CheckpointStore.open(dir);
        assertNull(store.recoveredFromCorruption());
        assertEquals(new FileCheckpoint("app", "/x", "1:2", 0, 5), store.get("app", "1:2"));
    }

    @Test
    void filesThatAreNotCheckpointsAreMovedAside() throws Exception {
        for (String bad : new String[] {"", "[]", "{\"version\": 1}", "{\"files\": [null]}", "{\"files\": [{\"input\": \"a\"}]}",
                "{\"files\": [{\"input\": \"a\", \"path\": \"/x\", \"file_id\": \"1:2\", \"offset\": -1}]}",
                "{\"files\": [{\"input\": \"a\", \"path\": \"/x\", \"file_id\": \"1:2\", \"offset\": \"many\"}]}",
                "{\"files\": {}}", "{\"files\": []"}) {
            Files.writeString(dir.resolve("checkpoints.json"), bad);
            CheckpointStore store = CheckpointStore.open(dir);
            assertNotNull(store.recoveredFromCorruption(), bad);
            assertTrue(store.all().isEmpty(), bad);
            assertFalse(Files.exists(dir.resolve("checkpoints.json")), bad);
        }
    }

    @Test
    void inMemoryStoreNeverWrites() throws Exception {
        CheckpointStore store = CheckpointStore.inMemory();
        store.put(new FileCheckpoint("app", "/x", "1:2", 0, 5));
        store.flush();
        assertEquals(5, store.get("app", "1:2").offset());
    }
}
