package io.outrigger.inputs.file;

import static io.outrigger.inputs.file.Fixture.append;
import static io.outrigger.inputs.file.Fixture.config;
import static io.outrigger.inputs.file.Fixture.drain;
import static io.outrigger.inputs.file.Fixture.expected;
import static io.outrigger.inputs.file.Fixture.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.checkpoint.FileCheckpoint;
import io.outrigger.core.event.Flag;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Origin;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTailerTest {

    @TempDir Path dir;
    private final Fixture fx = new Fixture();

    private String glob(String g) { return dir + "/" + g; }

    @Test void readsLinesWithOriginsAndCounts() throws Exception {
        Path log = dir.resolve("a.log");
        append(log, "first\r\n\nsecond\n");
        FileTailer t = fx.tailer(config(glob("*.log")));
        drain(t);
        List<LogRecord> recs = fx.emitter.records();
        assertEquals(List.of("first", "", "second"), fx.emitter.messages(), "an empty line is a line (skip_empty_lines: false)");
        String id = Fixture.fileId(log);
        assertEquals(new Origin("app", log.toString(), id, 0, 7), recs.get(0).origin());
        assertEquals(new Origin("app", log.toString(), id, 7, 8), recs.get(1).origin());
        assertEquals(new Origin("app", log.toString(), id, 8, 15), recs.get(2).origin());
        assertEquals(fx.clock.instant(), recs.get(0).timestamp());
        assertEquals(3, fx.counter("outrigger_input_lines_read_total"));
        assertEquals(15, fx.counter("outrigger_input_bytes_read_total"));
        assertEquals(1, fx.gauge("outrigger_input_files_open"));
    }

    @Test void skipEmptyLinesLeavesThemOutButCheckpointsPastThem() throws Exception {
        Path log = dir.resolve("a.log");
        append(log, "first\r\n\n\nsecond\n\n");
        FileInputConfig c = Fixture.config(glob("*.log"));
        c = new FileInputConfig(c.paths(), c.exclude(), c.readFrom(), c.maxLineBytes(), c.rescanInterval(), c.idleFlush(),
                c.maxOpenFiles(), c.closeIdleAfter(), c.readBuffer(), true);
        FileTailer t = fx.tailer(c);
        fx.emitter.autoRelease(true);
        drain(t);
        assertEquals(List.of("first", "second"), fx.emitter.messages());
        assertEquals(17, fx.store.get("app", Fixture.fileId(log)).offset());
    }

    @Test void globsWithDoubleStarExcludeAndFilesAppearingLaterInNewDirectories() throws Exception {
        append(dir.resolve("top.log"), "top\n");
        append(dir.resolve("a/b/deep.log"), "deep\n");
        append(dir.resolve("a/skip.log"), "skipped\n");
        append(dir.resolve("a/notes.txt"), "not matched\n");
        FileTailer t = fx.tailer(config(List.of(glob("**/*.log")), List.of("skip.*"), null));
        drain(t);
        assertEquals(List.of("deep", "top"), fx.emitter.messages().stream().sorted().toList());

        append(dir.resolve("new/sub/dir/late.log"), "late\n");
        drain(t);
        assertEquals(2, fx.emitter.size(), "not before the rescan is due");
        fx.later(t);
        assertTrue(fx.emitter.messages().contains("late"));
        assertEquals(3, fx.emitter.size());
    }

    @Test void baseDirectoryMayAppearLater() throws Exception {
        FileTailer t = fx.tailer(config(glob("later/*.log")));
        drain(t);
        append(dir.resolve("later/x.log"), "x\n");
        t.requestScan(); // what a file event does
        drain(t);
        assertEquals(List.of("x"), fx.emitter.messages());
    }

    @Test void renameAndCreateRotationLosesNothingAndReadsNewFileFromHead() throws Exception {
        Path log = dir.resolve("app.log");
        append(log, lines("old-", 0, 10));
        FileTailer t = fx.tailer(config(List.of(glob("app.log")), null, "tail"));
        drain(t);
        assertEquals(0, fx.emitter.size(), "read_from tail skips what was there at start");
        append(log, lines("old-", 10, 20));
        drain(t);
        append(log, lines("old-", 20, 30)); // written just before the rename, not read yet
        String oldId = Fixture.fileId(log);
        Files.move(log, dir.resolve("app.log.1"));
        append(log, lines("new-", 0, 5));   // tail does not apply to a file that appears later
        fx.emitter.autoRelease(true).releaseAll();
        fx.later(t);
        List<String> got = fx.emitter.messages();
        List<String> want = new ArrayList<>(expected("old-", 10, 30));
        want.addAll(expected("new-", 0, 5));
        assertEquals(want, got);
        assertEquals(1, fx.counter("outrigger_input_rotations_total"));
        fx.later(t);
        assertTrue(fx.emitter.ended().contains(oldId));
        assertNull(fx.store.get("app", oldId), "the rotated file's checkpoint goes once it is drained and acknowledged");
        String newId = Fixture.fileId(log);
        assertEquals(5 * "new-0\n".length(), fx.store.get("app", newId).offset());
        assertEquals(1, fx.gauge("outrigger_input_files_open"));
    }

    @Test void fileRenamedToAnotherMatchedPathIsFollowedNotReadAgain() throws Exception {
        Path log = dir.resolve("app.log");
        append(log, lines("old-", 0, 10));
        FileTailer t = fx.tailer(config(glob("app.log*")));
        fx.emitter.autoRelease(true);
        drain(t);
        String oldId = Fixture.fileId(log);
        append(log, lines("old-", 10, 12));
        Files.move(log, dir.resolve("app.log.1"));
        append(log, lines("new-", 0, 2));
        fx.later(t);
        fx.later(t);
        List<String> want = new ArrayList<>(expected("old-", 0, 12));
        want.addAll(expected("new-", 0, 2));
        assertEquals(want, fx.emitter.messages());
        assertEquals(1, fx.counter("outrigger_input_rotations_total"));
        FileCheckpoint cp = fx.store.get("app", oldId);
        assertEquals(dir.resolve("app.log.1").toString(), cp.path());
        assertEquals(12 * "old-10\n".length() - 10, cp.offset());
        assertEquals(List.of(dir.resolve("app.log.1").toString()), fx.emitter.records().subList(10, 12).stream()
                .map(r -> r.origin().path()).distinct().toList());
    }

    @Test void copyTruncateRestartsAtZeroAndIsCounted() throws Exception {
        Path log = dir.resolve("app.log");
        append(log, lines("before-", 0, 50));
        FileTailer t = fx.tailer(config(glob("app.log")));
        fx.emitter.autoRelease(true);
        drain(t);
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
        append(log, "after-0\nafter-1\n");
        drain(t);
        List<String> got = fx.emitter.messages();
        assertEquals(List.of("after-0", "after-1"), got.subList(50, got.size()));
        assertEquals(1, fx.counter("outrigger_input_truncations_total"));
        assertEquals(16, fx.store.get("app", Fixture.fileId(log)).offset());
        LogRecord last = fx.emitter.records().getLast();
        assertEquals(8, last.origin().offset());
    }

    @Test void copyTruncateRefilledPastTheOffsetIsFoundByTheFingerprint() throws Exception {
        Path log = dir.resolve("app.log");
        append(log, lines("before-line-", 0, 30));
        FileTailer t = fx.tailer(config(glob("app.log")));
        drain(t);
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
        append(log, lines("after-truncation-", 0, 40)); // longer than what was read before
        fx.later(t);
        List<String> got = fx.emitter.messages();
        assertEquals(expected("after-truncation-", 0, 40), got.subList(30, got.size()));
        assertEquals(1, fx.counter("outrigger_input_truncations_total"));
    }

    @Test void deletedFileIsDrainedThenReleasedAndItsCheckpointRemovedAfterAcks() throws Exception {
        Path log = dir.resolve("gone.log");
        append(log, lines("l", 0, 3));
        FileTailer t = fx.tailer(config(glob("*.log")));
        drain(t);
        String id = Fixture.fileId(log);
        append(log, lines("l", 3, 6));
        Files.delete(log);
        fx.later(t);
        assertEquals(expected("l", 0, 6), fx.emitter.messages());
        fx.later(t);
        assertEquals(0, fx.gauge("outrigger_input_files_open"), "released");
        assertTrue(fx.emitter.ended().contains(id));
        assertNotNull(fx.store.get("app", id), "not acknowledged yet");
        fx.emitter.releaseAll();
        assertNull(fx.store.get("app", id));
    }

    /** What lets the reader sleep: between file events, nothing is due before the time nextDueMillis names. */
    @Test void anIdleTailerHasNothingDueUntilItsNextTimedDuty() throws Exception {
        Path log = dir.resolve("idle.log");
        append(log, "whole\nhalf");
        FileTailer t = fx.tailer(new FileInputConfig(List.of(glob("*.log")), null, null, null, Duration.ofHours(1),
                Duration.ofSeconds(1), null, Duration.ofSeconds(30), null, null));
        fx.emitter.autoRelease(true);
        long t0 = fx.clock.millis();
        drain(t);
        assertEquals(List.of("whole"), fx.emitter.messages());
        assertEquals(t0 + 1000, t.nextDueMillis(fx.clock.millis()), "the partial line's idle flush");
        fx.clock.advance(Duration.ofMillis(999));
        assertEquals(false, t.pass());
        assertEquals(List.of("whole"), fx.emitter.messages(), "nothing was due yet");
        fx.clock.advance(Duration.ofMillis(1));
        drain(t);
        assertEquals(List.of("whole", "half"), fx.emitter.messages());
        assertEquals(1, fx.emitter.ended().size());
        assertEquals(t0 + 30_000, t.nextDueMillis(fx.clock.millis()), "closing the idle file");
        fx.clock.advance(Duration.ofMillis(28_999));
        drain(t);
        assertEquals(1, t.openFiles());
        fx.clock.advance(Duration.ofMillis(1));
        drain(t);
        assertEquals(0, t.openFiles());
        assertEquals(t0 + 3_600_000, t.nextDueMillis(fx.clock.millis()), "only the rescan is left: the reader sleeps until then");
        for (int i = 0; i < 10; i++) {
            fx.clock.advance(Duration.ofMinutes(5));
            assertEquals(false, t.pass(), "a pass with nothing due finds nothing to do");
        }
        assertEquals(1, fx.emitter.ended().size(), "the stream ended once");
        t.hintModified(log); // a file event: due at once
        assertEquals(fx.clock.millis(), t.nextDueMillis(fx.clock.millis()));
        append(log, "\nnext\n");
        t.hintModified(log);
        drain(t);
        assertEquals(List.of("whole", "half", "next"), fx.emitter.messages());
        assertEquals(fx.clock.millis() + 1000, t.nextDueMillis(fx.clock.millis()), "its stream ends after the idle flush time");
    }

    @Test void partialLastLineWaitsForIdleFlushThenEndsTheStream() throws Exception {
        Path log = dir.resolve("p.log");
        append(log, "whole\nhalf");
        FileTailer t = fx.tailer(config(glob("p.log")));
        fx.emitter.autoRelease(true);
        drain(t);
        assertEquals(List.of("whole"), fx.emitter.messages());
        append(log, " more");
        fx.clock.advance(Duration.ofMillis(900));
        drain(t);
        assertEquals(List.of("whole"), fx.emitter.messages());
        fx.clock.advance(Duration.ofMillis(1000));
        drain(t);
        assertEquals(List.of("whole", "half more"), fx.emitter.messages());
        LogRecord r = fx.emitter.records().get(1);
        assertEquals(6, r.origin().offset());
        assertEquals(15, r.origin().endOffset());
        assertEquals(15, fx.store.get("app", Fixture.fileId(log)).offset());
        assertEquals(List.of(Fixture.fileId(log)), fx.emitter.ended());
        fx.clock.advance(Duration.ofSeconds(5));
        drain(t);
        assertEquals(1, fx.emitter.ended().size(), "once per idle period");
        append(log, "\nnext\n");
        drain(t);
        fx.clock.advance(Duration.ofSeconds(2));
        drain(t);
        assertEquals(List.of("whole", "half more", "next"), fx.emitter.messages());
        assertEquals(2, fx.emitter.ended().size());
    }

    @Test void overlongLineIsCutFlaggedCountedAndDoesNotStall() throws Exception {
        Path log = dir.resolve("big.log");
        append(log, "a\n" + "x".repeat(1 << 20) + "\nb\n");
        FileInputConfig c = new FileInputConfig(List.of(glob("big.log")), null, null, Fixture.size(1024), null, null, null,
                null, Fixture.size(64 * 1024), null);
        FileTailer t = fx.tailer(c);
        fx.emitter.autoRelease(true);
        drain(t);
        List<LogRecord> recs = fx.emitter.records();
        assertEquals(3, recs.size());
        assertEquals(1024, recs.get(1).message().length());
        assertTrue(recs.get(1).has(Flag.TRUNCATED));
        assertEquals("b", recs.get(2).message());
        assertEquals(1, fx.counter("outrigger_input_lines_truncated_total"));
        assertEquals(2 + (1 << 20) + 1 + 2, fx.store.get("app", Fixture.fileId(log)).offset());
    }

    @Test void checkpointAdvancesOnlyOverReleasedRecordsAndRestartResumesThere() throws Exception {
        Path log = dir.resolve("c.log");
        append(log, lines("r", 0, 4));
        // read_buffer 4KiB, one block per turn: write in two passes so there are two chunks
        FileTailer t = fx.tailer(config(glob("c.log")));
        drain(t);
        append(log, lines("r", 4, 8));
        drain(t);
        String id = Fixture.fileId(log);
        assertEquals(0, fx.store.get("app", id).offset());
        List<LogRecord> recs = fx.emitter.records();
        assertEquals(8, recs.size());
        // acknowledge the second chunk first: nothing may be committed past the unacknowledged first chunk
        for (int i = 4; i < 8; i++) fx.emitter.release(i);
        assertEquals(0, fx.store.get("app", id).offset());
        for (int i = 0; i < 3; i++) fx.emitter.release(i);
        assertEquals(0, fx.store.get("app", id).offset());
        fx.emitter.release(3);
        assertEquals(8 * 3, fx.store.get("app", id).offset(), "both chunks now");
        t.close();

        // one more chunk read but not acknowledged, then a restart from the store
        append(log, lines("r", 8, 10));
        FileTailer t2 = fx.tailer(config(glob("c.log")));
        fx.emitter.clear();
        drain(t2);
        assertEquals(expected("r", 8, 10), fx.emitter.messages());
        t2.close();
        fx.emitter.clear();
        FileTailer t3 = fx.tailer(config(glob("c.log")));
        drain(t3);
        assertEquals(expected("r", 8, 10), fx.emitter.messages(), "unacknowledged lines are read again, nothing else");
    }

    @Test void checkpointsOfFilesGoneWhileStoppedAreForgottenUnlessTheirDirectoryIsMissing() throws Exception {
        append(dir.resolve("live.log"), "x\n");
        fx.store.put(new FileCheckpoint("app", dir.resolve("deleted.log").toString(), "1:999999", 0, 10));
        fx.store.put(new FileCheckpoint("app", dir.resolve("unmounted/x.log").toString(), "1:999998", 0, 10));
        fx.store.put(new FileCheckpoint("other", dir.resolve("deleted.log").toString(), "1:999999", 0, 10));
        drain(fx.tailer(config(glob("**/*.log"))));
        assertNull(fx.store.get("app", "1:999999"));
        assertNotNull(fx.store.get("app", "1:999998"));
        assertNotNull(fx.store.get("other", "1:999999"), "another input's checkpoints are not ours");
        assertNotNull(fx.store.get("app", Fixture.fileId(dir.resolve("live.log"))));
    }

    @Test void checkpointWithAnotherFingerprintIsAReusedInode() throws Exception {
        Path log = dir.resolve("reuse.log");
        append(log, lines("line-of-some-length-", 0, 40)); // over 256 bytes: has a fingerprint
        String id = Fixture.fileId(log);
        fx.store.put(new FileCheckpoint("app", log.toString(), id, 12345L, 100));
        FileTailer t = fx.tailer(config(List.of(glob("reuse.log")), null, "head"));
        drain(t);
        assertEquals(expected("line-of-some-length-", 0, 40), fx.emitter.messages());
        assertNotEquals(12345L, fx.store.get("app", id).fingerprint());

        // the same checkpoint with the right fingerprint resumes
        long fp = fx.store.get("app", id).fingerprint();
        fx.store.put(new FileCheckpoint("app", log.toString(), id, fp, "line-of-some-length-0\n".length()));
        fx.emitter.clear();
        drain(fx.tailer(config(glob("reuse.log"))));
        assertEquals(expected("line-of-some-length-", 1, 40), fx.emitter.messages());
    }

    @Test void reopenAfterIdleCloseNoticesAnotherFileOnTheSameIdentity() throws Exception {
        Path log = dir.resolve("idle.log");
        append(log, lines("first-file-line-", 0, 30));
        FileTailer t = fx.tailer(config(glob("idle.log")));
        fx.emitter.autoRelease(true);
        drain(t);
        fx.clock.advance(Duration.ofSeconds(31));
        drain(t);
        assertEquals(0, t.openFiles(), "closed after close_idle_after");
        // rewrite in place: same inode, other first bytes, longer than what was read
        Files.writeString(log, lines("second-file-line-", 0, 40));
        fx.later(t);
        List<String> got = fx.emitter.messages();
        assertEquals(expected("second-file-line-", 0, 40), got.subList(30, got.size()));
    }

    @Test void closedIdleFileIsReopenedWhenItGrows() throws Exception {
        Path log = dir.resolve("grow.log");
        append(log, "one\n");
        FileTailer t = fx.tailer(config(glob("grow.log")));
        drain(t);
        fx.clock.advance(Duration.ofSeconds(31));
        drain(t);
        assertEquals(0, t.openFiles());
        append(log, "two\n");
        fx.later(t);
        assertEquals(List.of("one", "two"), fx.emitter.messages());
    }

    @Test void unreadablePathsAreReportedOnceAndSkipped() throws Exception {
        Files.createDirectories(dir.resolve("dir.log"));
        Files.createSymbolicLink(dir.resolve("broken.log"), dir.resolve("missing-target"));
        Path fifo = dir.resolve("pipe.log");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        boolean haveFifo = p.waitFor() == 0;
        append(dir.resolve("good.log"), "fine\n");
        FileTailer t = fx.tailer(config(glob("*.log")));
        drain(t);
        fx.later(t);
        fx.later(t);
        assertEquals(List.of("fine"), fx.emitter.messages());
        assertEquals(haveFifo ? 2 : 1, fx.errors("not_a_file"));
        assertEquals(1, fx.errors("broken_link"));
        assertEquals(0, fx.errors("io_error"));
    }

    @Test void errorReasonsAreAFixedSet() {
        assertEquals(InputMetrics.Reason.PERMISSION_DENIED,
                PathErrors.classify(new java.nio.file.AccessDeniedException("/x")));
        assertEquals(InputMetrics.Reason.IO_ERROR, PathErrors.classify(new java.io.IOException("disk")));
    }

    @Test void manyFilesAreReadFairly() throws Exception {
        for (int f = 0; f < 4; f++) append(dir.resolve("f" + f + ".log"), lines("f" + f + "-", 0, 2000));
        FileInputConfig c = new FileInputConfig(List.of(glob("*.log")), null, null, null, null, null, null, null,
                Fixture.size(4096), null);
        FileTailer t = fx.tailer(c);
        fx.emitter.autoRelease(true);
        for (int i = 0; i < 5; i++) t.pass();
        Map<String, Integer> perFile = new HashMap<>();
        for (LogRecord r : fx.emitter.records()) perFile.merge(r.origin().path(), 1, Integer::sum);
        assertEquals(4, perFile.size());
        int min = perFile.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
        int max = perFile.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertTrue(max - min <= 4096 / 7, "each file got the same number of blocks: " + perFile);
        drain(t);
        assertEquals(8000, fx.emitter.size());
    }

    @Test void maxOpenFilesIsRespectedAndEveryFileStillRead() throws Exception {
        for (int f = 0; f < 6; f++) append(dir.resolve("m" + f + ".log"), lines("m" + f + "-", 0, 1000));
        FileInputConfig c = new FileInputConfig(List.of(glob("*.log")), null, null, null, null, null, 2, null,
                Fixture.size(4096), null);
        FileTailer t = fx.tailer(c);
        fx.emitter.autoRelease(true);
        int maxSeen = 0;
        for (int i = 0; i < 10_000; i++) {
            boolean progress = t.pass();
            maxSeen = Math.max(maxSeen, t.openFiles());
            if (!progress) break;
        }
        assertEquals(6000, fx.emitter.size());
        assertTrue(maxSeen <= 2, "open files " + maxSeen);
        for (int f = 0; f < 6; f++) {
            final String prefix = "m" + f + "-";
            assertEquals(expected(prefix, 0, 1000),
                    fx.emitter.messages().stream().filter(m -> m.startsWith(prefix)).toList());
        }
        // a file that grows while closed is still read, at the next rescan (10s by default) when no event told
        append(dir.resolve("m0.log"), "m0-more\n");
        fx.clock.advance(Duration.ofSeconds(10));
        drain(t);
        assertTrue(fx.emitter.messages().contains("m0-more"));
        assertTrue(t.openFiles() <= 2);
    }

    @Test void bytesBehindCountsUnacknowledgedBytes() throws Exception {
        append(dir.resolve("b.log"), lines("x", 0, 10));
        FileTailer t = fx.tailer(config(glob("b.log")));
        drain(t);
        fx.later(t);
        assertEquals(30, fx.gauge("outrigger_input_bytes_behind"));
        fx.emitter.releaseAll();
        fx.later(t);
        assertEquals(0, fx.gauge("outrigger_input_bytes_behind"));
    }

    @Test void bytesBehindCountsBytesWrittenWhileTheInputIsNotReading() throws Exception {
        append(dir.resolve("w.log"), lines("x", 0, 10));
        FileTailer t = fx.tailer(config(glob("w.log")));
        drain(t);
        fx.later(t);
        assertEquals(30, fx.gauge("outrigger_input_bytes_behind"));
        // the input is not reading (as when it waits for buffer room): lines written meanwhile still count
        append(dir.resolve("w.log"), lines("y", 0, 20));
        assertEquals(100, fx.gauge("outrigger_input_bytes_behind")); // 30 + y0..y9 (30) + y10..y19 (40)
        fx.emitter.releaseAll();
        assertEquals(70, fx.gauge("outrigger_input_bytes_behind"), "acknowledged bytes no longer count, unread ones do");
    }
}
