package org.sparkgru.io;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.slf4j.LoggerFactory;
import org.sparkgru.UserError;

/**
 * The one way spark-gru writes what a reader must never see half-done, on any Hadoop FileSystem: a file
 * ({@link #writeFile}) or a whole output directory ({@link #writeDirectory}) is written beside its place under a
 * temporary name and renamed into place when complete. Model files, checkpoints, forecasts and reports all go
 * through here. On an object store ({@link ObjectStores}), where a rename is a copy, a file is written in place
 * (it appears only when complete) and a directory's {@value #SUCCESS} markers never travel with a copy: they are
 * removed before it and written after it, the top one last.
 */
public final class AtomicFiles {
    /** The marker written last into a complete output directory (model, forecasts, report). */
    public static final String SUCCESS = "_SUCCESS";

    /** What goes into one file. */
    public interface Content {
        void write(OutputStream out) throws IOException;
    }

    /** What a job writes into a staging directory. */
    public interface Body<T> {
        T write(Path staging) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Writes {@code file} as {@code .NAME.tmp} in its directory (created when missing), then renames it into
     * place, replacing an existing file. On an object store it is written in place: the object appears whole when
     * the stream closes, and a failed write aborts the stream, so that nothing (and the previous file) is left.
     */
    public static void writeFile(FileSystem fs, Path file, Content content) throws IOException {
        if (ObjectStores.is(fs, file)) {
            FSDataOutputStream out = fs.create(file, true);
            try {
                content.write(out);
            } catch (Throwable e) {
                try {
                    out.abort();
                } catch (RuntimeException abortFailure) {
                    e.addSuppressed(abortFailure);
                }
                throw e;
            }
            out.close();
            return;
        }
        Path tmp = new Path(file.getParent(), "." + file.getName() + ".tmp");
        fs.mkdirs(file.getParent());
        try (OutputStream out = fs.create(tmp, true)) {
            content.write(out);
        }
        if (fs.exists(file) && !fs.delete(file, false)) {
            throw new IOException("cannot replace " + file);
        }
        if (!fs.rename(tmp, file)) {
            throw new IOException("cannot rename " + tmp + " to " + file);
        }
    }

    /** Writes the {@value #SUCCESS} marker into {@code dir}: the last write of every complete output. */
    public static void markComplete(FileSystem fs, Path dir) throws IOException {
        fs.create(new Path(dir, SUCCESS), true).close();
    }

    /**
     * Runs {@code body} on a staging directory {@code .NAME.staging-UUID} beside {@code output}, marks it complete
     * ({@value #SUCCESS}), then moves it into place, so that a failed run leaves neither a partial output nor a
     * damaged previous one. An existing output is refused unless {@code overwrite}, and replaced only at the end:
     * moved aside ({@code .NAME.previous-UUID}), the new one moved in, then the old one deleted (or moved back if the
     * move in fails). On an object store each move is a copy that can stop half-way; as the markers move last (see
     * {@link #move}), at every moment either the new output (staging) or the old one (in place, then aside) is
     * complete and marked, and no partial directory is.
     *
     * @param what   the output's name in messages ("output", "report", "model directory")
     * @param option the command-line option that names it ("--output", "--report")
     */
    public static <T> T writeDirectory(FileSystem fs, Path output, boolean overwrite, String what, String option,
                                       Body<T> body) throws IOException {
        Path out = fs.makeQualified(output);
        if (out.getParent() == null) {
            throw new UserError(what + " " + out + " is the root of its file system; choose a directory below it");
        }
        if (fs.exists(out) && !overwrite) {
            throw new UserError(what + " " + out + " already exists; choose another " + option
                    + " or pass --overwrite");
        }
        boolean objectStore = ObjectStores.is(fs, out);
        String id = UUID.randomUUID().toString();
        Path staging = new Path(out.getParent(), "." + out.getName() + ".staging-" + id);
        boolean keepStaging = false;
        try {
            T result = body.write(staging);
            markComplete(fs, staging);
            Path previous = null;
            if (fs.exists(out)) {
                previous = new Path(out.getParent(), "." + out.getName() + ".previous-" + id);
                boolean aside;
                try {
                    aside = move(fs, out, previous, objectStore);
                } catch (IOException e) {
                    keepStaging = objectStore; // the old output may be half copied: the new one must stay
                    throw new IOException(asideFailure(what, out, staging, objectStore), e);
                }
                if (!aside) {
                    keepStaging = objectStore;
                    throw new IOException(asideFailure(what, out, staging, objectStore));
                }
            }
            IOException failure = null;
            boolean moved;
            try {
                moved = move(fs, staging, out, objectStore);
            } catch (IOException e) {
                moved = false;
                failure = e;
            }
            if (!moved) {
                boolean restored = false;
                if (previous != null) {
                    try {
                        restored = moveBack(fs, previous, out, objectStore);
                    } catch (IOException e) {
                        if (failure == null) {
                            failure = e;
                        } else {
                            failure.addSuppressed(e);
                        }
                    }
                }
                // on an object store the staging directory and the target may each hold part of a copy, unmarked
                // and of no use; the previous output, if any, is complete in its directory
                keepStaging = !restored && !objectStore;
                if (objectStore && !restored) {
                    deleteQuietly(fs, out);
                }
                String state = restored ? "; the previous " + what + " is unchanged"
                        : (keepStaging ? "; the new " + what + " is in " + staging
                        + (previous == null ? "" : " and the previous one in " + previous)
                        : previous == null ? "" : "; the previous " + what + " is in " + previous);
                throw new IOException("cannot move " + staging + " to " + out + state, failure);
            }
            if (previous != null) {
                fs.delete(previous, true);
            }
            return result;
        } finally {
            if (!keepStaging) {
                deleteQuietly(fs, staging);
            }
        }
    }

    private static String asideFailure(String what, Path out, Path staging, boolean objectStore) {
        return "cannot move the previous " + what + " " + out + " aside to replace it"
                + (objectStore ? "; the new " + what + " is in " + staging : "");
    }

    /**
     * Renames directory {@code from} to {@code to}. On an object store the rename copies object by object and
     * deletes as it goes, so the {@value #SUCCESS} markers below {@code from} are removed first and written at
     * {@code to} once the copy is done, the top one last: a copy that stops half-way never looks complete.
     */
    private static boolean move(FileSystem fs, Path from, Path to, boolean objectStore) throws IOException {
        if (!objectStore) {
            return fs.rename(from, to);
        }
        List<String> markers = markers(fs, from);
        for (String m : markers) {
            fs.delete(new Path(from, m), false);
        }
        if (!fs.rename(from, to)) {
            return false;
        }
        mark(fs, to, markers);
        return true;
    }

    /**
     * Moves the previous output back after a failed move in. On an object store {@code out} may hold part of a copy
     * of the new output, unmarked, which is removed first; and the previous output, the only complete one left, is
     * copied file by file and deleted only once the copy is marked. Elsewhere the failed rename left nothing there.
     */
    private static boolean moveBack(FileSystem fs, Path previous, Path out, boolean objectStore) throws IOException {
        if (!objectStore) {
            return !fs.exists(out) && fs.rename(previous, out);
        }
        fs.delete(out, true);
        List<String> markers = markers(fs, previous);
        String root = previous.toUri().getPath();
        var files = fs.listFiles(previous, true);
        while (files.hasNext()) {
            Path p = files.next().getPath();
            if (!p.getName().equals(SUCCESS)) {
                FileUtil.copy(fs, p, fs, new Path(out, relative(root, p)), false, fs.getConf());
            }
        }
        mark(fs, out, markers);
        deleteQuietly(fs, previous);
        return true;
    }

    /** The {@value #SUCCESS} files below {@code dir}, relative to it, deepest first (the top one last). */
    private static List<String> markers(FileSystem fs, Path dir) throws IOException {
        List<String> markers = new ArrayList<>();
        String root = dir.toUri().getPath();
        var files = fs.listFiles(dir, true);
        while (files.hasNext()) {
            Path p = files.next().getPath();
            if (p.getName().equals(SUCCESS)) {
                markers.add(relative(root, p));
            }
        }
        markers.sort(Comparator.comparingInt((String m) -> m.split("/").length).reversed());
        return markers;
    }

    private static String relative(String root, Path file) {
        return file.toUri().getPath().substring(root.length()).replaceFirst("^/", "");
    }

    private static void mark(FileSystem fs, Path dir, List<String> markers) throws IOException {
        for (String m : markers) {
            fs.create(new Path(dir, m), true).close();
        }
    }

    /** Removes a directory without letting a failure hide the error that is on its way out. */
    private static void deleteQuietly(FileSystem fs, Path dir) {
        try {
            if (fs.exists(dir)) {
                fs.delete(dir, true);
            }
        } catch (IOException e) {
            LoggerFactory.getLogger(AtomicFiles.class).warn("cannot remove {}: {}", dir, e.toString());
        }
    }
}
