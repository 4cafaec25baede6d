package org.sparkgru.jobs;

import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkgru.UserError;

/**
 * An output directory written in full beside its place ({@code .NAME.staging-UUID}) and moved there only when
 * complete, so that a failed run leaves neither a partial output nor a damaged previous one. An existing output is
 * refused unless the job was given {@code --overwrite}, and replaced only at the end: moved aside
 * ({@code .NAME.previous-UUID}), the new one moved in, then the old one deleted (or moved back if the move in
 * fails).
 */
final class StagedOutput {
    /** What a job writes into the staging directory. */
    interface Body<T> {
        T write(Path staging) throws IOException;
    }

    private StagedOutput() {
    }

    /**
     * Runs {@code body} on a staging directory for {@code output}, then moves it into place.
     *
     * @param what   the output's name in messages ("output", "report")
     * @param option the command-line option that names it ("--output", "--report")
     */
    static <T> T write(FileSystem fs, Path output, boolean overwrite, String what, String option, Body<T> body)
            throws IOException {
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
            org.slf4j.LoggerFactory.getLogger(StagedOutput.class).warn("cannot remove {}: {}", staging, e.toString());
        }
    }
}
