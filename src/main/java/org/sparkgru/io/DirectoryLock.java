package org.sparkgru.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkgru.UserError;

/**
 * The lock of a model directory being written: {@value #NAME}, a small JSON file (owner, the holding process as
 * {@link LockProcess} records it, start and heartbeat times, a run id) created with create-if-absent through the
 * Hadoop FileSystem API and rewritten every {@link #HEARTBEAT} while the run lives. A second run on the same
 * directory is refused with a message naming the first; a lock whose heartbeat is older than {@link #STALE} (its
 * run died without removing it), or whose process this host can tell has ended, is taken over ({@link #acquire}).
 * A run whose lock was taken over meanwhile (it looked dead: a stalled driver or file system) finds it lost at its
 * next {@link #ensureHeld}, which the training calls before each checkpoint and before the model.
 * Heartbeats compare the clocks of the two hosts, so they are assumed to agree within a minute.
 */
public final class DirectoryLock implements AutoCloseable {
    /** The lock file's name (Spark's readers skip names starting with an underscore). */
    public static final String NAME = "_LOCK";
    /** How often the holder rewrites the lock. */
    static final Duration HEARTBEAT = Duration.ofSeconds(20);
    /** How old a heartbeat may be before the lock counts as abandoned. */
    public static final Duration STALE = Duration.ofMinutes(2);
    private static final int ATTEMPTS = 3;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryLock.class);

    private final FileSystem fs;
    private final Path file;
    private final ObjectNode content;
    private final ScheduledExecutorService heartbeat;
    /** Set once, when a check finds the lock no longer this run's. */
    private LostLock lost;

    private DirectoryLock(FileSystem fs, Path file, ObjectNode content) {
        this.fs = fs;
        this.file = file;
        this.content = content;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "spark-gru lock heartbeat");
            t.setDaemon(true);
            return t;
        });
        long every = HEARTBEAT.toMillis();
        heartbeat.scheduleAtFixedRate(this::beat, every, every, TimeUnit.MILLISECONDS);
    }

    /** Takes the lock of {@code dir} (created when missing), or throws a {@link UserError} naming its holder. */
    public static DirectoryLock acquire(FileSystem fs, Path dir) throws IOException {
        Path file = new Path(dir, NAME);
        fs.mkdirs(dir);
        ObjectNode content = JSON.createObjectNode();
        content.put("owner", System.getProperty("user.name"));
        LockProcess.current().writeTo(content);
        content.put("run", UUID.randomUUID().toString());
        content.put("started", Instant.now().toString());
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            content.put("heartbeat", Instant.now().toString());
            if (LockFile.create(fs, file, JSON.writeValueAsBytes(content))) {
                return new DirectoryLock(fs, file, content);
            }
            JsonNode holder = LockFile.read(fs, file);
            if (holder == null) {
                pause(); // being written by its creator: read it again
                holder = LockFile.read(fs, file);
            }
            Instant beat = holder != null ? heartbeat(holder) : LockFile.modified(fs, file);
            if (Duration.between(beat, Instant.now()).compareTo(STALE) < 0
                    && !LockProcess.current().seesEnded(holder)) {
                throw new UserError("model directory " + dir + " is being written by another run ("
                        + describe(holder) + "); wait for it to finish, or if that run is dead remove " + file
                        + " (a lock without a heartbeat for " + STALE.toMinutes() + " minutes is taken over)");
            }
            takeOver(fs, file, holder, content.get("run").asText());
        }
        throw new UserError("model directory " + dir + " was locked again by another run while this one took over"
                + " an abandoned lock; try again");
    }

    /**
     * Removes the abandoned lock {@code judged} (null: unreadable) by renaming it to a name with this run's id: of
     * several runs that judged it abandoned at once, only one rename succeeds (HDFS, local file system), and the
     * others find no lock and compete to create one like any new run, so one run ends up holding it. The winner
     * checks what it moved: a faster taker may have replaced the judged lock with its own, which is put back.
     */
    static void takeOver(FileSystem fs, Path file, JsonNode judged, String run) throws IOException {
        Path moved = new Path(file.getParent(), NAME + ".takeover-" + run);
        if (!LockFile.move(fs, file, moved)) {
            return; // another run moved it first, or its holder removed it
        }
        byte[] bytes = LockFile.bytes(fs, moved);
        JsonNode found = LockFile.parse(bytes);
        if (Objects.equals(runOf(found), runOf(judged))) {
            LOG.warn("taking over the abandoned lock {} ({})", file, judged == null ? "unreadable" : describe(judged));
        } else if (bytes != null) {
            // unless a new run has locked the directory since; then the owner of these bytes finds its lock lost
            LockFile.create(fs, file, bytes);
        }
        fs.delete(moved, false);
    }

    private static String runOf(JsonNode lock) {
        return lock == null ? null : lock.path("run").asText();
    }

    /** The holder's heartbeat, or the epoch when it does not parse (a lock that cannot be judged counts as old). */
    private static Instant heartbeat(JsonNode holder) {
        try {
            return Instant.parse(holder.get("heartbeat").asText());
        } catch (java.time.format.DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String describe(JsonNode h) {
        return h.path("owner").asText("?") + " on " + h.path("host").asText("?") + ", process "
                + h.path("pid").asText("?") + ", run " + h.path("run").asText("?") + ", started "
                + h.path("started").asText("?") + ", last heartbeat " + h.path("heartbeat").asText("?");
    }

    /**
     * Throws a {@link UserError} when this run no longer holds the lock (another run took it over, or it was
     * removed), so that nothing is written under another run's lock; {@code write} names what was about to be
     * written. Reads the lock, so it also sees a takeover since the last heartbeat.
     */
    public synchronized void ensureHeld(String write) throws IOException {
        if (!held()) {
            throw lost.error(file.getParent(), write);
        }
    }

    /**
     * Whether this run still holds the lock: a run that lost it must not clean up either, since the directory is
     * another run's now.
     */
    public synchronized boolean held() throws IOException {
        if (lost == null && !ours(LockFile.read(fs, file))) {
            pause(); // a taker that moved it by mistake puts it back at once (takeOver)
            JsonNode now = LockFile.read(fs, file);
            if (!ours(now)) {
                lost = new LostLock(now, Instant.now());
            }
        }
        return lost == null;
    }

    private boolean ours(JsonNode lock) {
        return lock != null && content.path("run").equals(lock.path("run"));
    }

    /** Rewrites the heartbeat while the lock is this run's; a failure is logged, and the lock goes stale if it lasts. */
    private synchronized void beat() {
        try {
            if (!held()) {
                LOG.warn("the lock {} is no longer this run's ({}); the training stops before its next write", file,
                        lost.holder() == null ? "removed" : describe(lost.holder()));
                heartbeat.shutdown();
                return;
            }
            content.put("heartbeat", Instant.now().toString());
            LockFile.rewrite(fs, file, JSON.writeValueAsBytes(content)); // a reader that sees it half-written rereads
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot renew the lock {}: {}", file, e.toString());
        }
    }

    /** Stops the heartbeat and removes the lock, if it is still this run's. */
    @Override
    public synchronized void close() {
        heartbeat.shutdownNow();
        try {
            if (lost == null && ours(LockFile.read(fs, file))) {
                fs.delete(file, false);
            }
        } catch (IOException e) {
            LOG.warn("cannot remove the lock {}: {}", file, e.toString());
        }
    }
}
