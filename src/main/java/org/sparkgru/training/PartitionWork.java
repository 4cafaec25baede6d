package org.sparkgru.training;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.sparkgru.data.Series;
import org.sparkgru.data.WindowLayout;
import org.sparkgru.data.WindowShape;
import org.sparkgru.kernel.Bptt;
import org.sparkgru.kernel.WorkspacePool;
import org.sparkgru.kernel.Loss;
import org.sparkgru.metrics.ErrorSums;
import org.sparkgru.model.NetworkSpec;

/**
 * What one partition does per iteration, on the executor: draw its share of the batch's windows (random generator
 * seeded by seed, iteration and partition), run forward + BPTT through the kernel in chunks of at most
 * {@value #CHUNK} windows (once per member of an ensemble, on the same windows), and return the fixed-point
 * gradient sum; or forecast its validation windows and return
 * their error sums in the original scale. Windows become kernel input through the {@link WindowLayout}. Kernel
 * workspaces come from a JVM-wide pool ({@link WorkspacePool}), one per concurrently running task, reused across
 * iterations.
 */
final class PartitionWork implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Windows per kernel call. */
    static final int CHUNK = 256;
    private static final WorkspacePool WORKSPACES = WorkspacePool.training(CHUNK);

    private final NetworkSpec spec;
    private final WindowLayout layout;
    private final WindowShape shape;
    private final Loss loss;
    private final long seed;
    private final FaultPlan faults;
    private final Telemetry telemetry;
    private final int members;

    /** @param members networks in the parameter array ({@link org.sparkgru.model.Ensemble}) */
    PartitionWork(NetworkSpec spec, int members, WindowLayout layout, Loss loss, long seed, FaultPlan faults,
                  Telemetry telemetry) {
        this.spec = spec;
        this.members = members;
        this.layout = layout;
        this.shape = layout.shape();
        this.loss = loss;
        this.seed = seed;
        this.faults = faults;
        this.telemetry = telemetry;
    }

    /** The test hooks this work runs with. */
    FaultPlan faults() {
        return faults;
    }

    private WorkspacePool.Lease workspace() {
        return WORKSPACES.lease(spec, shape.lookback());
    }

    /** The number of training windows in a partition. */
    long countWindows(Iterator<Series> it) {
        long n = 0;
        while (it.hasNext()) {
            n += shape.trainingWindows(it.next());
        }
        return n;
    }

    /** A seed for (seed, iteration, partition), mixed so that neighbouring values give unrelated streams. */
    static long streamSeed(long seed, int iteration, int partition) {
        long z = seed * 0x9E3779B97F4A7C15L + iteration * 0xBF58476D1CE4E5B9L + partition * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A partition's series that have training windows, with the running window counts for uniform draws. */
    private record Windows(Series[] series, long[] ends, int n, long total) {
        static Windows of(Iterator<Series> it, WindowShape shape) {
            Series[] series = new Series[16];
            long[] ends = new long[16];
            int n = 0;
            long total = 0;
            while (it.hasNext()) {
                Series s = it.next();
                int w = shape.trainingWindows(s);
                if (w > 0) {
                    if (n == series.length) {
                        series = Arrays.copyOf(series, 2 * n);
                        ends = Arrays.copyOf(ends, 2 * n);
                    }
                    series[n] = s;
                    total += w;
                    ends[n++] = total;
                }
            }
            return new Windows(series, ends, n, total);
        }
    }

    /**
     * Gradient sum of {@code share} windows drawn uniformly (with replacement) from this partition. Also records
     * the task's compute time and the heap bytes its kernel loop allocated in the {@link Telemetry} (none once
     * compiled; the task's own sums and index are allocated before and not counted).
     */
    GradientSum gradient(int partition, Iterator<Series> it, float[] params, int iteration, int share) {
        faults.beforeGradientTask(iteration, partition);
        long started = System.nanoTime();
        GradientSum sum = new GradientSum(params.length);
        if (share == 0) {
            return sum;
        }
        Windows windows = Windows.of(it, shape);
        if (windows.total() == 0) {
            return sum;
        }
        Random rnd = new Random(streamSeed(seed, iteration, partition));
        Scratch scratch = new Scratch(params.length / members);
        long allocated;
        try (WorkspacePool.Lease lease = workspace()) {
            long heapBefore = AllocationCounter.bytes();
            draw(lease.kernel(), windows, rnd, params, share, scratch, sum, iteration, partition);
            allocated = AllocationCounter.bytes() - heapBefore;
        }
        telemetry.record(System.nanoTime() - started, allocated);
        return sum;
    }

    /** Per-task buffers of {@link #draw}: one member's parameters and gradient, the window's scaler. */
    private static final class Scratch {
        final float[] member;
        final float[] grad;
        final float[] ms = new float[2];

        Scratch(int size) {
            member = new float[size];
            grad = new float[size];
        }
    }

    /**
     * Adds to {@code sum} the gradient of {@code share} windows drawn from {@code windows} with {@code rnd}, in
     * chunks of at most {@value #CHUNK}, for every member of {@code params}.
     */
    private void draw(Bptt k, Windows windows, Random rnd, float[] params, int share, Scratch scratch,
                      GradientSum sum, int iteration, int partition) {
        int size = params.length / members;
        float[] member = members == 1 ? params : scratch.member;
        float[] grad = scratch.grad;
        float[] ms = scratch.ms;
        for (int done = 0; done < share; done += CHUNK) {
            int batch = Math.min(CHUNK, share - done);
            for (int b = 0; b < batch; b++) {
                long g = (long) (rnd.nextDouble() * windows.total());
                int si = Arrays.binarySearch(windows.ends(), 0, windows.n(), g + 1);
                si = si >= 0 ? si : -si - 1;
                long before = si == 0 ? 0 : windows.ends()[si - 1];
                Series s = windows.series()[si];
                int offset = (int) (g - before);
                layout.fill(s, offset, b, batch, k.input(), k.context(), k.categories(), k.targets(), layout.scaler(s, offset, ms));
                if (loss.weighted()) {
                    k.weights()[b] = maseWeight(s, ms[1]);
                }
            }
            // every member of an ensemble learns from the same windows: the input is filled once
            for (int m = 0; m < members; m++) {
                if (members > 1) {
                    System.arraycopy(params, m * size, member, 0, size);
                }
                Arrays.fill(grad, 0f);
                double l = k.lossAndGradient(member, batch, loss, grad, 1f);
                faults.afterGradient(iteration, partition, grad);
                sum.add(grad, m * size, l, m == 0 ? batch : 0);
            }
        }
    }

    /**
     * One round of local steps ({@code train.localSteps = steps}): from the broadcast weights
     * {@code start[0, size)}, {@code steps} optimizer steps of {@code inner} (fresh, or holding the averaged state
     * the driver broadcast in {@code start[size, ...)}), each on {@code share} windows of this partition drawn
     * with the stream of (seed, round, partition, step), their mean gradient clipped per member to
     * {@code clipNorm}. Returns the pseudo-gradient {@code start - local weights} times {@code share} in
     * {@code [0, size)}, followed, when {@code start} carried a state, by the inner optimizer's end state
     * ({@link Optimizer#exportState}) times {@code share}, with count {@code share} (so the aggregate's mean is
     * the windows-weighted mean over partitions) and the loss summed over the steps divided by {@code steps}. A
     * non-finite local gradient marks the sum as overflowed.
     */
    GradientSum localRound(int partition, Iterator<Series> it, float[] start, int size, int round, int share,
                           int steps, Optimizer inner, double lr, double clipNorm) {
        faults.beforeGradientTask(round, partition);
        long started = System.nanoTime();
        GradientSum out = new GradientSum(start.length);
        if (share == 0) {
            return out;
        }
        Windows windows = Windows.of(it, shape);
        if (windows.total() == 0) {
            return out;
        }
        float[] local = Arrays.copyOf(start, size);
        float[] grad = new float[size];
        GradientSum step = new GradientSum(size);
        Scratch scratch = new Scratch(size / members);
        Random rnd = new Random();
        double loss = 0;
        long allocated;
        try (WorkspacePool.Lease lease = workspace()) {
            long heapBefore = AllocationCounter.bytes();
            for (int j = 0; j < steps; j++) {
                step.clear();
                rnd.setSeed(streamSeed(seed + 0x632BE59BD9B4E019L * (j + 1), round, partition));
                draw(lease.kernel(), windows, rnd, local, share, scratch, step, round, partition);
                step.mean(grad);
                if (step.overflow || !Double.isFinite(MinibatchStep.clip(grad, members, clipNorm))) {
                    out.overflow = true;
                    break;
                }
                loss += step.meanLoss() * share;
                inner.step(local, grad, lr);
            }
            allocated = AllocationCounter.bytes() - heapBefore;
        }
        for (int i = 0; i < size; i++) {
            grad[i] = (start[i] - local[i]) * share;
        }
        out.add(grad, loss / steps, share);
        if (start.length > size) {
            float[] state = new float[start.length - size];
            inner.exportState(state, 0);
            for (int i = 0; i < state.length; i++) {
                state[i] *= share;
            }
            out.add(state, size, 0, 0);
        }
        telemetry.record(System.nanoTime() - started, allocated);
        return out;
    }

    /** Gradient sum over every training window of the partition, in order (full batch, for L-BFGS). */
    GradientSum fullGradient(Iterator<Series> it, float[] params) {
        GradientSum sum = new GradientSum(params.length);
        float[] grad = new float[params.length];
        float[] ms = new float[2];
        try (WorkspacePool.Lease lease = workspace()) {
            Bptt k = lease.kernel();
            int batch = 0;
            while (it.hasNext()) {
                Series s = it.next();
                int windows = shape.trainingWindows(s);
                for (int offset = 0; offset < windows; offset++) {
                    layout.fill(s, offset, batch, CHUNK, k.input(), k.context(), k.categories(), k.targets(), layout.scaler(s, offset, ms));
                    if (loss.weighted()) {
                        k.weights()[batch] = maseWeight(s, ms[1]);
                    }
                    if (++batch == CHUNK) {
                        accumulate(k, params, grad, sum, batch);
                        batch = 0;
                    }
                }
            }
            if (batch > 0) {
                repack(k, batch);
                accumulate(k, params, grad, sum, batch);
            }
        }
        return sum;
    }

    /**
     * The {@code mase} loss weight of a window whose targets were divided by {@code scale}: {@code scale} over the
     * series' MASE scale, so that the weighted scaled error is the error in MASE units; 1 (the scaled MAE) for a
     * series whose MASE scale is 0 or unknown (a constant or too short training part).
     */
    static float maseWeight(Series s, float scale) {
        double w = scale / s.maseScale;
        return s.maseScale > 0 && Double.isFinite(w) ? (float) w : 1f;
    }

    private void accumulate(Bptt k, float[] params, float[] grad, GradientSum sum, int batch) {
        Arrays.fill(grad, 0f);
        double l = k.lossAndGradient(params, batch, loss, grad, 1f);
        sum.add(grad, l, batch);
    }

    /**
     * Windows are written with a batch stride of {@link #CHUNK}; a last, partial batch of {@code batch} windows is
     * moved to stride {@code batch} (the time-major layout of a smaller batch), in place, front to back.
     */
    private void repack(Bptt k, int batch) {
        float[] x = k.input();
        int width = spec.inputSize();
        for (int t = 0; t < shape.lookback(); t++) {
            for (int b = 0; b < batch; b++) {
                System.arraycopy(x, (t * CHUNK + b) * width, x, (t * batch + b) * width, width);
            }
        }
    }

    /**
     * Validation error sums of this partition in the original scale: each series' validation window forecast from
     * the {@code lookback} points before it, scored against its last {@code horizon} points, with the series' MASE
     * scale ({@link ErrorSums}).
     */
    ErrorSums validate(Iterator<Series> it, float[] params) {
        ErrorSums sums = new ErrorSums();
        List<Series> batch = new ArrayList<>(CHUNK);
        try (WorkspacePool.Lease lease = workspace()) {
            Bptt k = lease.kernel();
            while (it.hasNext()) {
                Series s = it.next();
                if (shape.hasValidation(s)) {
                    batch.add(s);
                    if (batch.size() == CHUNK) {
                        validateBatch(batch, k, params, sums);
                        batch.clear();
                    }
                }
            }
            if (!batch.isEmpty()) {
                validateBatch(batch, k, params, sums);
            }
        }
        return sums;
    }

    private void validateBatch(List<Series> batch, Bptt k, float[] params, ErrorSums sums) {
        int n = batch.size();
        int horizon = shape.horizon();
        int[] ends = new int[n];
        for (int b = 0; b < n; b++) {
            ends[b] = batch.get(b).length() - horizon;
        }
        double[] forecasts = new double[n * horizon];
        layout.forecast(k, params, batch, ends, forecasts);
        for (int b = 0; b < n; b++) {
            Series s = batch.get(b);
            double abs = 0;
            for (int h = 0; h < horizon; h++) {
                double f = forecasts[b * horizon + h];
                double a = s.values[ends[b] + h];
                sums.add(f, a);
                abs += Math.abs(f - a);
            }
            sums.addMase(abs / horizon, s.maseScale);
        }
    }
}
