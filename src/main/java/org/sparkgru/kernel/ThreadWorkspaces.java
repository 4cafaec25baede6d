package org.sparkgru.kernel;

/**
 * One {@link Bptt} workspace per thread, kept across calls and rebuilt only when the architecture or the window
 * changes: Spark runs every task of an executor core on the same few threads, so each core allocates its buffers
 * once, not once per task or iteration. {@link #training} workspaces have the backward buffers, {@link #inference}
 * ones do not.
 */
public final class ThreadWorkspaces {
    private final ThreadLocal<Bptt> local = new ThreadLocal<>();
    private final boolean training;
    private final int maxBatch;

    private ThreadWorkspaces(boolean training, int maxBatch) {
        this.training = training;
        this.maxBatch = maxBatch;
    }

    /** Workspaces for forward + BPTT of up to {@code maxBatch} windows. */
    public static ThreadWorkspaces training(int maxBatch) {
        return new ThreadWorkspaces(true, maxBatch);
    }

    /** Forward-only workspaces ({@link Bptt#forwardOnly}) of up to {@code maxBatch} windows. */
    public static ThreadWorkspaces inference(int maxBatch) {
        return new ThreadWorkspaces(false, maxBatch);
    }

    /** This thread's workspace for {@code spec} and windows of {@code window} steps, on {@link KernelBackend#best()}. */
    public Bptt get(org.sparkgru.model.NetworkSpec spec, int window) {
        Bptt k = local.get();
        if (k == null || !k.spec().equals(spec) || k.window() != window) {
            k = training ? new Bptt(spec, KernelBackend.best(), maxBatch, window)
                    : Bptt.forwardOnly(spec, KernelBackend.best(), maxBatch, window);
            local.set(k);
        }
        return k;
    }
}
