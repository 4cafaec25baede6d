package org.sparkgru.jobs;

import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkgru.UserError;

/**
 * An output directory written in full beside its place ({@code .NAME.staging-UUID}) and moved there only when
 * complete, so that a failed run leaves neither a partial output nor a damaged previous one. An existing output is
 * refused unless the job was given {@code --overwrite}, and replaced only at the end.
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
        if (fs.exists(out) && !overwrite) {
            throw new UserError(what + " " + out + " already exists; choose another " + option
                    + " or pass --overwrite");
        }
        Path staging = new Path(out.getParent(), "." + out.getName() + ".staging-" + UUID.randomUUID());
        try {
            T result = body.write(staging);
            if (fs.exists(out) && !fs.delete(out, true)) {
                throw new IOException("cannot delete the previous " + what + " " + out + " to replace it");
            }
            if (!fs.rename(staging, out)) {
                throw new IOException("cannot move " + staging + " to " + out);
            }
            return result;
        } finally {
            if (fs.exists(staging)) {
                fs.delete(staging, true);
            }
        }
    }
}
