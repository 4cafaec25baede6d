package org.sparkgru.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkgru.UserError;

/**
 * The lock of a model directory being written: {@value #NAME}, a small JSON file (owner, host, process, start and
 * heartbeat times, a run id) created with create-if-absent through the Hadoop FileSystem API and rewritten every
 * {@link #HEARTBEAT} while the run lives. A second run on the same directory is refused with a message naming the
 * first; a lock whose heartbeat is older than {@link #STALE} (its run died without removing it), or whose holder
 * ran on this host in a process that is gone, is taken over.
 * Heartbeats compare the clocks of the two hosts, so they are assumed to agree within a minute.
 */
public final class DirectoryLock implements AutoCloseable {
    /** The lock file's name (Spark's readers skip names starting with an underscore). */
    public static final String NAME = "_LOCK";
    /** How often the holder rewrites the lock. */
    static final Duration HEARTBEAT = Duration.ofSeconds(20);
    /** How old a heartbeat may be before the lock counts as abandoned. */
    public static final Duration STALE = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryLock.class);

    private final FileSystem fs;
    private final Path file;
    private final ObjectNode content;
    private final ScheduledExecutorService heartbeat;

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
        content.put("host", host());
        content.put("pid", ManagementFactory.getRuntimeMXBean().getPid());
        content.put("run", UUID.randomUUID().toString());
        content.put("started", Instant.now().toString());
        for (int attempt = 0; attempt < 2; attempt++) {
            if (create(fs, file, content)) {
                return new DirectoryLock(fs, file, content);
            }
            JsonNode holder = read(fs, file);
            if (holder == null) {
                pause(); // being written or rewritten by its holder: read it again
                holder = read(fs, file);
            }
            Instant beat = holder != null ? heartbeat(holder) : modified(fs, file);
            if (Duration.between(beat, Instant.now()).compareTo(STALE) < 0 && !holderGone(holder)) {
                throw new UserError("model directory " + dir + " is being written by another run ("
                        + describe(holder) + "); wait for it to finish, or if that run is dead remove " + file
                        + " (a lock without a heartbeat for " + STALE.toMinutes() + " minutes is taken over)");
            }
            LOG.warn("taking over the abandoned lock {} ({})", file, holder == null ? "unreadable" : describe(holder));
            fs.delete(file, false);
        }
        throw new UserError("model directory " + dir + " was locked again by another run while this one took over"
                + " an abandoned lock; try again");
    }

    private static boolean create(FileSystem fs, Path file, ObjectNode content) throws IOException {
        content.put("heartbeat", Instant.now().toString());
        try (OutputStream out = fs.create(file, false)) {
            out.write(JSON.writeValueAsBytes(content));
            return true;
        } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            if (fs.exists(file)) {
                return false; // another run created it first (file systems that do not throw the specific type)
            }
            throw e;
        }
    }

    /** The holder's heartbeat, or the epoch when it does not parse (a lock that cannot be judged counts as old). */
    private static Instant heartbeat(JsonNode holder) {
        try {
            return Instant.parse(holder.get("heartbeat").asText());
        } catch (java.time.format.DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    /** An unreadable lock's modification time: its writer may still be writing it. */
    private static Instant modified(FileSystem fs, Path file) throws IOException {
        try {
            return Instant.ofEpochMilli(fs.getFileStatus(file).getModificationTime());
        } catch (java.io.FileNotFoundException e) {
            return Instant.EPOCH;
        }
    }

    /** Whether the holder ran on this host in a process that no longer exists (killed), so it cannot be running. */
    private static boolean holderGone(JsonNode holder) {
        if (holder == null || !holder.path("host").asText().equals(host()) || !holder.path("pid").canConvertToLong()) {
            return false;
        }
        return ProcessHandle.of(holder.path("pid").asLong()).map(p -> !p.isAlive()).orElse(true);
    }

    private static void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The lock's content, or null when it cannot be read or parsed (gone, or half-written). */
    private static JsonNode read(FileSystem fs, Path file) {
        try (FSDataInputStream in = fs.open(file)) {
            JsonNode n = JSON.readTree(in);
            return n != null && n.isObject() && n.hasNonNull("heartbeat") && n.hasNonNull("run") ? n : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String describe(JsonNode h) {
        return h.path("owner").asText("?") + " on " + h.path("host").asText("?") + ", process "
                + h.path("pid").asText("?") + ", started " + h.path("started").asText("?") + ", last heartbeat "
                + h.path("heartbeat").asText("?");
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown host";
        }
    }

    /** Rewrites the heartbeat; a failure is logged, and the lock goes stale if it lasts. */
    private synchronized void beat() {
        try {
            JsonNode now = read(fs, file);
            if (now == null || !content.path("run").equals(now.path("run"))) {
                LOG.warn("the lock {} is no longer this run's; another run may be writing the model directory", file);
                return;
            }
            content.put("heartbeat", Instant.now().toString());
            // in place, so that the lock never disappears; a reader that sees it half-written reads again
            try (OutputStream out = fs.create(file, true)) {
                out.write(JSON.writeValueAsBytes(content));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot renew the lock {}: {}", file, e.toString());
        }
    }

    /** Stops the heartbeat and removes the lock, if it is still this run's. */
    @Override
    public synchronized void close() {
        heartbeat.shutdownNow();
        JsonNode now = read(fs, file);
        if (now != null && content.path("run").equals(now.path("run"))) {
            try {
                fs.delete(file, false);
            } catch (IOException e) {
                LOG.warn("cannot remove the lock {}: {}", file, e.toString());
            }
        }
    }
}
