package org.sparkgru.kernel;

import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.sparkgru.model.NetworkSpec;

/**
 * Kernel workspaces ({@link Bptt}) shared by the tasks of a JVM: a task leases one for its kernel work and gives it
 * back when done, so an executor holds as many workspaces as it runs kernel work at the same time (its cores), not
 * one per thread it ever used (Spark's task threads come from a cached pool that can add and keep threads), and
 * not one per task or iteration. Workspaces of another architecture or window length than the one asked for are
 * dropped when found idle, so a new model replaces the old one's buffers. {@link #training} workspaces have the
 * backward buffers, {@link #inference} ones do not.
 *
 * <p>Use: {@code try (WorkspacePool.Lease l = pool.lease(spec, window)) { Bptt k = l.kernel(); ... }}.
 */
public final class WorkspacePool {
    private final ConcurrentLinkedDeque<Bptt> idle = new ConcurrentLinkedDeque<>();
    private final boolean training;
    private final int maxBatch;

    private WorkspacePool(boolean training, int maxBatch) {
        this.training = training;
        this.maxBatch = maxBatch;
    }

    /** Workspaces for forward + BPTT of up to {@code maxBatch} windows. */
    public static WorkspacePool training(int maxBatch) {
        return new WorkspacePool(true, maxBatch);
    }

    /** Forward-only workspaces ({@link Bptt#forwardOnly}) of up to {@code maxBatch} windows. */
    public static WorkspacePool inference(int maxBatch) {
        return new WorkspacePool(false, maxBatch);
    }

    /** A workspace for {@code spec} and windows of {@code window} steps, on {@link KernelBackend#best()}. */
    public Lease lease(NetworkSpec spec, int window) {
        Bptt found = null;
        for (Iterator<Bptt> it = idle.iterator(); it.hasNext() && found == null; ) {
            Bptt k = it.next();
            if (k.spec().equals(spec) && k.window() == window) {
                if (idle.removeFirstOccurrence(k)) {
                    found = k;
                }
            } else {
                idle.removeFirstOccurrence(k);
            }
        }
        if (found == null) {
            found = training ? new Bptt(spec, KernelBackend.best(), maxBatch, window)
                    : Bptt.forwardOnly(spec, KernelBackend.best(), maxBatch, window);
        }
        return new Lease(found);
    }

    /** Workspaces waiting for a task (for tests). */
    int idleCount() {
        return idle.size();
    }

    /** One task's use of a workspace; closing it gives the workspace back to the pool. */
    public final class Lease implements AutoCloseable {
        private final Bptt kernel;

        private Lease(Bptt kernel) {
            this.kernel = kernel;
        }

        /** The leased workspace; not to be used after {@link #close()}. */
        public Bptt kernel() {
            return kernel;
        }

        @Override
        public void close() {
            idle.addFirst(kernel);
        }
    }
}
