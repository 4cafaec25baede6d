package org.sparkgru.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgru.UserError;

/** {@link DirectoryLock} on the local file system: refusal, takeover races, the holder's process, a lost lock. */
class DirectoryLockTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant OLD = Instant.now().minus(Duration.ofMinutes(10));

    @TempDir
    java.nio.file.Path tmp;
    private FileSystem fs;
    private Path dir;
    private java.nio.file.Path file;

    @BeforeEach
    void localFileSystem() throws IOException {
        dir = new Path(tmp.resolve("model").toString());
        fs = HadoopFiles.of(dir, new Configuration());
        file = tmp.resolve("model").resolve(DirectoryLock.NAME);
        Files.createDirectories(file.getParent());
    }

    /** A lock of another run, by this process unless the test changes its fields. */
    private static ObjectNode lock(String run, Instant heartbeat) {
        ObjectNode n = JSON.createObjectNode();
        n.put("owner", "ana");
        LockProcess.current().writeTo(n);
        n.put("run", run);
        n.put("started", heartbeat.toString());
        n.put("heartbeat", heartbeat.toString());
        return n;
    }

    private void write(JsonNode lock) throws IOException {
        Files.write(file, JSON.writeValueAsBytes(lock));
    }

    private JsonNode onDisk() throws IOException {
        return JSON.readTree(file.toFile());
    }

    private String busy(JsonNode holder) {
        return "model directory " + dir + " is being written by another run (" + DirectoryLock.describe(holder)
                + "); wait for it to finish, or if that run is dead remove " + new Path(dir, DirectoryLock.NAME)
                + " (a lock without a heartbeat for 2 minutes is taken over)";
    }

    @Test
    void aSecondRunIsRefusedNamingTheFirstAndTheLockIsRemovedAtTheEnd() throws IOException {
        try (DirectoryLock first = DirectoryLock.acquire(fs, dir)) {
            JsonNode held = onDisk();
            assertEquals(LockProcess.current().pid(), held.get("pid").asLong());
            assertEquals(String.valueOf(LockProcess.current().started()), held.get("pidStarted").asText());
            UserError e = assertThrows(UserError.class, () -> DirectoryLock.acquire(fs, dir));
            assertEquals(busy(held), e.getMessage());
            first.ensureHeld("the model");
        }
        assertFalse(Files.exists(file));
    }

    @Test
    void takersRacingForOneAbandonedLockEndWithOneHolder() throws Exception {
        int takers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(takers);
        try {
            for (int round = 0; round < 40; round++) {
                ObjectNode dead = lock("dead-" + round, OLD);
                dead.put("host", "node7");
                write(dead);
                CyclicBarrier start = new CyclicBarrier(takers);
                List<Future<DirectoryLock>> runs = new ArrayList<>();
                for (int i = 0; i < takers; i++) {
                    runs.add(pool.submit(() -> {
                        start.await();
                        try {
                            return DirectoryLock.acquire(fs, dir);
                        } catch (UserError e) {
                            return null;
                        }
                    }));
                }
                List<DirectoryLock> holders = new ArrayList<>();
                for (Future<DirectoryLock> f : runs) {
                    DirectoryLock l = f.get();
                    if (l != null && l.held()) {
                        holders.add(l);
                    }
                }
                assertEquals(1, holders.size(), "round " + round + ": one run holds the lock");
                assertTrue(onDisk().get("run").asText().length() > 30, "a new run's id, not the dead one's");
                try (var names = Files.list(file.getParent())) {
                    assertEquals(List.of(DirectoryLock.NAME), names.map(p -> p.getFileName().toString()).toList(),
                            "no takeover file left behind");
                }
                for (Future<DirectoryLock> f : runs) {
                    if (f.get() != null) {
                        f.get().close();
                    }
                }
                assertFalse(Files.exists(file), "released");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theLosersOfATakeoverAreRefusedNamingTheWinner() throws IOException {
        write(lock("dead", OLD));
        try (DirectoryLock winner = DirectoryLock.acquire(fs, dir)) {
            JsonNode held = onDisk();
            UserError e = assertThrows(UserError.class, () -> DirectoryLock.acquire(fs, dir));
            assertEquals(busy(held), e.getMessage());
            assertTrue(e.getMessage().contains("run " + held.get("run").asText() + ", "), e.getMessage());
        }
    }

    @Test
    void aTakerThatFindsAnotherLockThanTheOneItJudgedPutsItBack() throws IOException {
        ObjectNode live = lock("live", Instant.now());
        write(live);
        byte[] before = Files.readAllBytes(file);
        DirectoryLock.takeOver(fs, new Path(dir, DirectoryLock.NAME), lock("dead", OLD), "late-taker");
        assertArrayEquals(before, Files.readAllBytes(file), "the live lock is back, unchanged");
        assertFalse(Files.exists(file.resolveSibling(DirectoryLock.NAME + ".takeover-late-taker")));
    }

    @Test
    void aLiveProcessIsTheHolderOnlyWhenItsStartTimeMatches() throws IOException {
        assumeTrue(LockProcess.current().started() != null, "this JVM tells its start time");
        ObjectNode same = lock("r-same", Instant.now());
        write(same);
        assertEquals(busy(same), assertThrows(UserError.class, () -> DirectoryLock.acquire(fs, dir)).getMessage());
        ObjectNode reused = lock("r-reused", Instant.now());
        reused.put("pidStarted", LockProcess.current().started().minus(Duration.ofHours(1)).toString());
        write(reused);
        try (DirectoryLock taken = DirectoryLock.acquire(fs, dir)) {
            assertTrue(taken.held(), "this pid belongs to another process now: the holder has ended");
        }
    }

    @Test
    void aHolderInAnotherPidNamespaceOrBootIsJudgedOnlyByItsHeartbeat() throws IOException {
        for (String field : List.of("pidNamespace", "bootId")) {
            ObjectNode other = lock("r-" + field, Instant.now());
            other.put("pid", Long.MAX_VALUE); // no such process here
            other.put(field, "another");
            write(other);
            assertEquals(busy(other), assertThrows(UserError.class, () -> DirectoryLock.acquire(fs, dir))
                    .getMessage(), field);
            other.put("heartbeat", OLD.toString());
            write(other);
            try (DirectoryLock taken = DirectoryLock.acquire(fs, dir)) {
                assertTrue(taken.held(), field);
            }
        }
    }

    @Test
    void aLockOfAnOlderVersionOnThisHostIsJudgedByItsPidAsBefore() throws IOException {
        ObjectNode older = JSON.createObjectNode();
        older.put("owner", "ana");
        older.put("host", LockProcess.current().host());
        older.put("pid", Long.MAX_VALUE);
        older.put("run", "r-old");
        older.put("started", Instant.now().toString());
        older.put("heartbeat", Instant.now().toString());
        write(older);
        try (DirectoryLock taken = DirectoryLock.acquire(fs, dir)) {
            assertTrue(taken.held());
        }
        older.put("pid", LockProcess.current().pid());
        write(older);
        assertEquals(busy(older), assertThrows(UserError.class, () -> DirectoryLock.acquire(fs, dir)).getMessage());
    }

    @Test
    void aLockTakenOverUnderItsRunningHolderIsLost() throws IOException {
        try (DirectoryLock stalled = DirectoryLock.acquire(fs, dir)) {
            ObjectNode late = (ObjectNode) onDisk();
            late.put("heartbeat", OLD.toString()); // as if the holder's driver had stalled for 10 minutes
            late.put("host", "node7");
            write(late);
            try (DirectoryLock taker = DirectoryLock.acquire(fs, dir)) {
                JsonNode now = onDisk();
                UserError e = assertThrows(UserError.class,
                        () -> stalled.ensureHeld("the checkpoint of iteration 40"));
                assertEquals("the lock of model directory " + dir + " was taken over by another run ("
                        + DirectoryLock.describe(now) + "), which saw no heartbeat of this run for 2 minutes (a"
                        + " stalled driver or file system, or clocks more than a minute apart); this run stopped"
                        + " without writing the checkpoint of iteration 40; let that run finish, or stop it and"
                        + " continue this training with --resume", e.getMessage());
                assertFalse(stalled.held());
                stalled.close();
                assertEquals(now, onDisk(), "the lost run leaves the new holder's lock alone");
                taker.ensureHeld("the model");
            }
        }
    }

    @Test
    void aLockRemovedUnderItsHolderIsLost() throws IOException {
        try (DirectoryLock held = DirectoryLock.acquire(fs, dir)) {
            Files.delete(file);
            UserError e = assertThrows(UserError.class, () -> held.ensureHeld("the model"));
            assertTrue(e.getMessage().startsWith("the lock of model directory " + dir + " was removed while this run"
                    + " held it (found at "), e.getMessage());
            assertTrue(e.getMessage().endsWith("); this run stopped without writing the model; make sure no other run"
                    + " writes " + dir + ", then continue this training with --resume"), e.getMessage());
            write(lock("newcomer", Instant.now()));
            assertThrows(UserError.class, () -> held.ensureHeld("the model"), "lost for good");
        }
        assertTrue(Files.exists(file), "the newcomer's lock stays");
    }
}
