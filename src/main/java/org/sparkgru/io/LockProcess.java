package org.sparkgru.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

/**
 * The process holding a {@link DirectoryLock}, as the lock records it: host name, the Linux boot id and pid
 * namespace (when {@code /proc} shows them), pid and the process's start time. A host name alone does not tell one
 * machine or container from another (containers may share a host name and reuse each other's pids), so a lock is
 * judged by its process only when all of these match this process's; otherwise only its heartbeat counts.
 *
 * @param host         the host name
 * @param bootId       {@code /proc/sys/kernel/random/boot_id} (one per machine boot), or null
 * @param pidNamespace the target of {@code /proc/self/ns/pid}, such as {@code pid:[4026531836]}, or null
 * @param pid          the process id
 * @param started      the process's start time, or null when the JVM cannot tell it
 */
record LockProcess(String host, String bootId, String pidNamespace, long pid, Instant started) {
    private static final LockProcess CURRENT = new LockProcess(hostName(),
            proc(() -> Files.readString(java.nio.file.Path.of("/proc/sys/kernel/random/boot_id")).strip()),
            proc(() -> Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/ns/pid")).toString()),
            ProcessHandle.current().pid(), ProcessHandle.current().info().startInstant().orElse(null));

    /** This JVM's process. */
    static LockProcess current() {
        return CURRENT;
    }

    /** Adds this process's fields to a lock's content. */
    void writeTo(ObjectNode lock) {
        lock.put("host", host);
        lock.put("bootId", bootId);
        lock.put("pidNamespace", pidNamespace);
        lock.put("pid", pid);
        lock.put("pidStarted", started == null ? null : started.toString());
    }

    /**
     * Whether this process can tell that {@code holder}'s process has ended: it ran on this machine, in this pid
     * namespace, and its pid is gone or now belongs to a process started at another time (a reused pid). A lock of
     * an older spark-gru (no {@code pidStarted}) is judged by host name and pid alone, as that version did.
     */
    boolean seesEnded(JsonNode holder) {
        if (holder == null || !holder.path("host").asText().equals(host) || !holder.path("pid").canConvertToLong()) {
            return false;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(holder.path("pid").asLong()).filter(ProcessHandle::isAlive);
        if (!holder.has("pidStarted")) {
            return process.isEmpty();
        }
        if (!Objects.equals(text(holder, "bootId"), bootId)
                || !Objects.equals(text(holder, "pidNamespace"), pidNamespace)) {
            return false;
        }
        Instant recorded = instant(holder.path("pidStarted"));
        if (process.isEmpty()) {
            return true;
        }
        // a live pid whose start time one side cannot tell counts as the holder
        return recorded != null && process.get().info().startInstant().map(s -> !s.equals(recorded)).orElse(false);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Instant instant(JsonNode v) {
        try {
            return v.isTextual() ? Instant.parse(v.asText()) : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private interface ProcRead {
        String read() throws IOException;
    }

    /** A {@code /proc} value, or null where there is none (not Linux) or it cannot be read. */
    private static String proc(ProcRead read) {
        try {
            return read.read();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown host";
        }
    }
}
