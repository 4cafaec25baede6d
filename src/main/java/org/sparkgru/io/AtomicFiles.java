package org.sparkgru.io;

import java.io.IOException;
import java.io.OutputStream;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.LoggerFactory;
import org.sparkgru.UserError;

/**
 * The one way spark-gru writes what a reader must never see half-done, on any Hadoop FileSystem: a file
 * ({@link #writeFile}) or a whole output directory ({@link #writeDirectory}) is written beside its place under a
 * temporary name and renamed into place when complete. Model files, checkpoints, forecasts and reports all go
 * through here.
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
     * place, replacing an existing file.
     */
    public static void writeFile(FileSystem fs, Path file, Content content) throws IOException {
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
     * Runs {@code body} on a staging directory {@code .NAME.staging-UUID} beside {@code output}, then moves it into
     * place, so that a failed run leaves neither a partial output nor a damaged previous one. An existing output is
     * refused unless {@code overwrite}, and replaced only at the end: moved aside ({@code .NAME.previous-UUID}), the
     * new one moved in, then the old one deleted (or moved back if the move in fails).
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
        String id = UUID.randomUUID().toString();
        Path staging = new Path(out.getParent(), "." + out.getName() + ".staging-" + id);
        boolean keepStaging = false;
        try {
            T result = body.write(staging);
            Path previous = null;
            if (fs.exists(out)) {
                previous = new Path(out.getParent(), "." + out.getName() + ".previous-" + id);
                if (!fs.rename(out, previous)) {
                    throw new IOException("cannot move the previous " + what + " " + out + " aside to replace it");
                }
            }
            if (!fs.rename(staging, out)) {
                if (previous != null && !fs.exists(out) && fs.rename(previous, out)) {
                    throw new IOException("cannot move " + staging + " to " + out + "; the previous " + what
                            + " is unchanged");
                }
                keepStaging = true;
                throw new IOException("cannot move " + staging + " to " + out + "; the new " + what + " is in "
                        + staging + (previous == null ? "" : " and the previous one in " + previous));
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

    /** Removes a staging directory without letting a failure hide the error that is on its way out. */
    private static void deleteQuietly(FileSystem fs, Path staging) {
        try {
            if (fs.exists(staging)) {
                fs.delete(staging, true);
            }
        } catch (IOException e) {
            LoggerFactory.getLogger(AtomicFiles.class).warn("cannot remove {}: {}", staging, e.toString());
        }
    }
}
