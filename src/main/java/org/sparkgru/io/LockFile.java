package org.sparkgru.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/** The file operations of a {@link DirectoryLock}, on any Hadoop FileSystem. */
final class LockFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LockFile() {
    }

    /**
     * Creates {@code file} holding {@code bytes} unless it exists; false when it does. Hadoop's local file system
     * checks for the file and then creates it, so two runs could both succeed: there the file is created with the
     * operating system's create-new instead. HDFS creates atomically; S3A checks then writes (docs/cluster.md).
     */
    static boolean create(FileSystem fs, Path file, byte[] bytes) throws IOException {
        if (fs instanceof RawLocalFileSystem local) {
            try {
                Files.write(local.pathToFile(file).toPath(), bytes, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE);
                return true;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                return false;
            }
        }
        try (OutputStream out = fs.create(file, false)) {
            out.write(bytes);
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

    /** Rewrites {@code file} in place, so that the lock never disappears. */
    static void rewrite(FileSystem fs, Path file, byte[] bytes) throws IOException {
        try (OutputStream out = fs.create(file, true)) {
            out.write(bytes);
        }
    }

    /** The file's bytes, or null when it does not exist. */
    static byte[] bytes(FileSystem fs, Path file) throws IOException {
        try (FSDataInputStream in = fs.open(file)) {
            return in.readAllBytes();
        } catch (FileNotFoundException e) {
            return null;
        }
    }

    /** A lock's content, or null when the file does not exist or is not a lock (half-written, or foreign). */
    static JsonNode read(FileSystem fs, Path file) throws IOException {
        return parse(bytes(fs, file));
    }

    /** {@link #read} of bytes read before (null: no file). */
    static JsonNode parse(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(bytes);
            return n != null && n.isObject() && n.hasNonNull("heartbeat") && n.hasNonNull("run") ? n : null;
        } catch (IOException e) {
            return null; // not JSON
        }
    }

    /**
     * Renames {@code from} to {@code to}; false when {@code from} is gone. On HDFS and the local file system of
     * several renames of one file exactly one succeeds.
     */
    static boolean move(FileSystem fs, Path from, Path to) throws IOException {
        try {
            return fs.rename(from, to);
        } catch (FileNotFoundException e) {
            return false;
        }
    }

    /** The file's modification time, or the epoch when it is gone. */
    static Instant modified(FileSystem fs, Path file) throws IOException {
        try {
            return Instant.ofEpochMilli(fs.getFileStatus(file).getModificationTime());
        } catch (FileNotFoundException e) {
            return Instant.EPOCH;
        }
    }
}
