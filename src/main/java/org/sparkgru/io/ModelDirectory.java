package org.sparkgru.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.LoggerFactory;

/**
 * The layout of a model directory, on any Hadoop FileSystem: {@value #DESCRIPTION} and {@value #WEIGHTS} (the
 * model files, {@code ModelStore}), {@value #SCALERS}/ (the per-series scaler table), {@value #METRICS} (one line
 * per training iteration), {@value #CHECKPOINTS}/, {@value #REPORT}/ (the backtest of the validation tail) and
 * {@value AtomicFiles#SUCCESS}, written last when the training is complete, and {@value DirectoryLock#NAME} while a
 * training writes it. Every class that reads or writes a part of a model directory gets its path here.
 */
public final class ModelDirectory {
    /** The JSON description's file name. */
    public static final String DESCRIPTION = "model.json";
    /** The weights' file name. */
    public static final String WEIGHTS = "weights.safetensors";
    /** The scaler table (Parquet). */
    public static final String SCALERS = "scalers";
    /** The training metrics, one JSON object per iteration. */
    public static final String METRICS = "metrics.jsonl";
    /** Checkpoints of an unfinished training. */
    public static final String CHECKPOINTS = "checkpoints";
    /** The validation-tail report written at the end of training. */
    public static final String REPORT = "report";

    private final FileSystem fs;
    private final Path root;

    private ModelDirectory(FileSystem fs, Path root) {
        this.fs = fs;
        this.root = root;
    }

    /** The model directory {@code dir} on its file system ({@link HadoopFiles#of}). */
    public static ModelDirectory of(String dir, Configuration conf) throws IOException {
        Path root = new Path(dir);
        return new ModelDirectory(HadoopFiles.of(root, conf), root);
    }

    public FileSystem fs() {
        return fs;
    }

    public Path root() {
        return root;
    }

    public Path description() {
        return new Path(root, DESCRIPTION);
    }

    public Path weights() {
        return new Path(root, WEIGHTS);
    }

    public Path scalers() {
        return new Path(root, SCALERS);
    }

    public Path metrics() {
        return new Path(root, METRICS);
    }

    public Path checkpoints() {
        return new Path(root, CHECKPOINTS);
    }

    public Path report() {
        return new Path(root, REPORT);
    }

    /** Whether the directory holds a complete model ({@value AtomicFiles#SUCCESS} is there). */
    public boolean isComplete() throws IOException {
        return fs.exists(new Path(root, AtomicFiles.SUCCESS));
    }

    /** Whether the directory exists and holds anything but its {@link DirectoryLock}. */
    public boolean hasContent() throws IOException {
        return fs.exists(root) && fs.listStatus(root, p -> !p.getName().equals(DirectoryLock.NAME)).length > 0;
    }

    /** Deletes everything in the directory but its {@link DirectoryLock}. */
    public void clear() throws IOException {
        for (FileStatus st : fs.listStatus(root, p -> !p.getName().equals(DirectoryLock.NAME))) {
            fs.delete(st.getPath(), true);
        }
    }

    /** Takes the directory's lock for a training ({@link DirectoryLock}). */
    public DirectoryLock lock() throws IOException {
        return DirectoryLock.acquire(fs, root);
    }

    /** Whether a training wrote a checkpoint here, so that it can be resumed. */
    public boolean hasCheckpoints() throws IOException {
        Path c = checkpoints();
        return fs.exists(c) && fs.listStatus(c).length > 0;
    }

    /**
     * Deletes the directory, logging instead of throwing when that fails, so that the error on its way out is the
     * one the user sees.
     */
    public void removeQuietly() {
        try {
            fs.delete(root, true);
        } catch (IOException e) {
            LoggerFactory.getLogger(ModelDirectory.class).warn("cannot remove {}: {}", root, e.toString());
        }
    }

    /** Marks the model complete, the last write of a training, and removes the models it replaced. */
    public void markComplete() throws IOException {
        AtomicFiles.markComplete(fs, root);
        FileStatus[] replaced = fs.listStatus(root.getParent(), p -> p.getName().startsWith(previousPrefix()));
        for (FileStatus st : replaced) {
            fs.delete(st.getPath(), true);
        }
    }

    /**
     * Moves the complete model here aside, to {@code .NAME.previous-UUID} beside it (its {@value AtomicFiles#SUCCESS}
     * first out and last in, so that neither place looks complete while entries move), for a {@code --overwrite}
     * training: the old model survives until the new one is complete ({@link #markComplete} deletes it), and a run
     * that fails before writing anything puts it back ({@link #restore}).
     */
    public Path setAside() throws IOException {
        Path aside = new Path(root.getParent(), previousPrefix() + java.util.UUID.randomUUID());
        fs.mkdirs(aside);
        clearComplete();
        moveEntries(root, aside);
        AtomicFiles.markComplete(fs, aside);
        return aside;
    }

    /** Moves the model set aside by {@link #setAside} back into this (empty) directory, marker last. */
    public void restore(Path aside) throws IOException {
        fs.delete(new Path(aside, AtomicFiles.SUCCESS), false);
        moveEntries(aside, root);
        fs.delete(aside, true);
        markComplete();
    }

    private String previousPrefix() {
        return "." + root.getName() + ".previous-";
    }

    /** Renames every entry of {@code from} but the lock into {@code to}. */
    private void moveEntries(Path from, Path to) throws IOException {
        for (FileStatus st : fs.listStatus(from, p -> !p.getName().equals(DirectoryLock.NAME))) {
            if (!fs.rename(st.getPath(), new Path(to, st.getPath().getName()))) {
                throw new IOException("cannot move " + st.getPath() + " to " + to);
            }
        }
    }

    /** Removes the completion mark before the directory is changed. */
    public void clearComplete() throws IOException {
        fs.delete(new Path(root, AtomicFiles.SUCCESS), false);
    }

    /** The lines of {@value #METRICS} (empty when there are none). */
    public List<JsonNode> metricsLines() throws IOException {
        return JsonLines.read(fs, metrics());
    }

    /**
     * {@value #METRICS} opened for a training that starts after iteration {@code keepUpTo}: the lines of later
     * iterations (written by an interrupted run) are dropped, so that the file reads as one run.
     */
    public JsonLines openMetrics(int keepUpTo) throws IOException {
        return JsonLines.open(fs, metrics(), line -> keepUpTo > 0 && line.path("iteration").asInt() <= keepUpTo);
    }
}
