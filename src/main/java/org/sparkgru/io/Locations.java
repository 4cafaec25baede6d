package org.sparkgru.io;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkgru.UserError;

/**
 * The checks a job makes of its paths before Spark starts, so that a missing input or an unwritable output ends in
 * one message (a {@link UserError}) within a second instead of a stack trace after the heavy work. The file systems
 * are configured as Spark would configure them: Hadoop's defaults plus the {@code spark.hadoop.*} properties that
 * {@code spark-submit} hands the driver.
 */
public final class Locations {
    private Locations() {
    }

    /** Hadoop's configuration with the driver's {@code spark.hadoop.*} system properties applied. */
    public static Configuration hadoopConfiguration() {
        Configuration conf = new Configuration();
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("spark.hadoop."))
                .forEach(k -> conf.set(k.substring("spark.hadoop.".length()), System.getProperty(k)));
        return conf;
    }

    /**
     * {@code input} (a file, directory or glob) matches something, returned; when {@code dataExtensions} are given
     * (binary formats: Parquet, ORC), no file below a matched directory has another extension (case aside). Names
     * starting with {@code _} or {@code .}, such as {@code _SUCCESS}, are Spark's own and skipped; names without an
     * extension, as Hive writes them, are data. Otherwise a {@link UserError}: a stray file (a README, a CSV export)
     * is refused rather than skipped or misread.
     */
    public static FileStatus[] requireInput(String input, String format, List<String> dataExtensions,
                                            Configuration conf) {
        Path p = new Path(input);
        try {
            FileSystem fs = p.getFileSystem(conf);
            FileStatus[] found = fs.globStatus(p);
            if (found == null || found.length == 0) {
                throw new UserError("cannot read " + input + ": the path does not exist; check --input");
            }
            if (dataExtensions.isEmpty()) {
                return found;
            }
            for (FileStatus f : found) {
                if (!f.isDirectory()) {
                    continue;
                }
                var files = fs.listFiles(f.getPath(), true);
                while (files.hasNext()) {
                    Path file = files.next().getPath();
                    String name = file.getName().toLowerCase(Locale.ROOT);
                    if (!hidden(f.getPath(), file) && name.contains(".")
                            && dataExtensions.stream().noneMatch(name::endsWith)) {
                        throw new UserError("input " + input + " holds " + file + ", which is not a ." + format
                                + " file; remove it, or point --input at the data files (or --format at their"
                                + " format)");
                    }
                }
            }
            return found;
        } catch (IOException e) {
            UserError store = ObjectStores.explain("--input", input, e);
            throw store != null ? store : new UserError("cannot read " + input + ": " + e.getMessage()
                    + "; check --input");
        }
    }

    /** Whether {@code file} or a directory between it and {@code root} is named like Spark's own files. */
    private static boolean hidden(Path root, Path file) {
        for (Path q = file; q != null && !q.equals(root) && q.depth() > root.depth(); q = q.getParent()) {
            if (q.getName().startsWith("_") || q.getName().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code dir} can hold a job's output: it is not a file, and a file can be created in it (or, when it does not
     * exist yet, beside it). The probe file is removed again.
     *
     * @param option the option that names the path, for the message
     */
    public static void requireWritableDirectory(String dir, String option, Configuration conf) {
        Path p = new Path(dir);
        try {
            FileSystem fs = HadoopFiles.of(p, conf);
            boolean exists = fs.exists(p);
            if (exists && !fs.getFileStatus(p).isDirectory()) {
                throw new UserError(option + " " + dir + " is a file; give a directory (existing or new)");
            }
            Path where = exists ? p : p.getParent();
            if (where == null) {
                throw new UserError(option + " " + dir + " is the root of its file system; choose a directory below it");
            }
            if (!fs.mkdirs(where)) {
                throw new IOException("cannot create " + where);
            }
            Path probe = new Path(where, ".spark-gru-probe-" + UUID.randomUUID());
            fs.create(probe, false).close();
            fs.delete(probe, false);
        } catch (IOException e) {
            UserError store = ObjectStores.explain(option, dir, e);
            if (store != null) {
                throw store;
            }
            String reason = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString());
            throw new UserError(option + " " + dir + " cannot be written (" + reason + "); choose a location you can"
                    + " write to");
        }
    }

    /**
     * Refuses a {@code --model} directory that holds files but not {@value AtomicFiles#SUCCESS}, which a training
     * writes last: one still being written, or left unfinished. A path that holds nothing is left to the model
     * reader's message.
     */
    public static void requireCompleteModel(String model, Configuration conf) {
        try {
            ModelDirectory dir = ModelDirectory.of(model, conf);
            FileStatus root;
            try {
                root = dir.fs().getFileStatus(dir.root());
            } catch (java.io.FileNotFoundException e) {
                return;
            }
            if (root.isDirectory() && dir.hasContent() && !dir.isComplete()) {
                throw new UserError("model directory " + model + " is not complete (it has no "
                        + AtomicFiles.SUCCESS + "): its training is still running, failed or was interrupted; pass a"
                        + " complete model, or finish the training with jobs/train.sh --resume");
            }
        } catch (IOException e) {
            UserError store = ObjectStores.explain("--model", model, e);
            throw store != null ? store : new UserError("cannot read --model " + model + ": "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString()) + "; check --model");
        }
    }
}
