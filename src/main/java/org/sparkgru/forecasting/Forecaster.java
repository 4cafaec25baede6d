package org.sparkgru.forecasting;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.sparkgru.data.Scaler;
import org.sparkgru.data.Series;
import org.sparkgru.data.WindowLayout;
import org.sparkgru.kernel.WorkspacePool;
import org.sparkgru.model.NetworkSpec;

/**
 * Forecasts series on an executor: for every series, the last {@code lookback} points are scaled (with the
 * series' training scalers when the model has them, its own history otherwise, or per window) and laid out by the
 * model's {@link WindowLayout}, run through the kernel's forward pass in batches of up to {@value #BATCH} series
 * (an inference workspace: no backward buffers), and the {@code horizon} outputs are unscaled and emitted with
 * their future times on the series' grid.
 */
public final class Forecaster implements Serializable {
    private static final long serialVersionUID = 1L;
    static final int BATCH = 256;
    private static final WorkspacePool WORKSPACES = WorkspacePool.inference(BATCH);

    /** One forecast point: series, grid tick of the forecast time, step (1..horizon), value. */
    public record Point(String id, long tick, int step, double value) implements Serializable {
    }

    private final NetworkSpec spec;
    private final float[] params;
    private final WindowLayout layout;

    public Forecaster(NetworkSpec spec, float[] params, WindowLayout layout) {
        this.spec = spec;
        this.params = params;
        this.layout = layout;
    }

    /**
     * Forecasts every series of a partition; {@code trained} maps series seen in training to their scalers (others
     * keep the scalers they were assembled with).
     */
    public Iterator<Point> forecast(Iterator<Series> it, Map<String, Scaler> trained) {
        List<Point> out = new ArrayList<>();
        List<Series> batch = new ArrayList<>(BATCH);
        while (it.hasNext()) {
            batch.add(withTrainedScaler(it.next(), trained));
            if (batch.size() == BATCH) {
                run(batch, out);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            run(batch, out);
        }
        return out.iterator();
    }

    /** {@code s} with its training scalers when it was seen in training, unchanged otherwise. */
    static Series withTrainedScaler(Series s, Map<String, Scaler> trained) {
        Scaler sc = trained.get(s.id);
        return sc == null ? s : s.withScaler(sc);
    }

    private void run(List<Series> batch, List<Point> out) {
        int n = batch.size();
        int[] ends = new int[n];
        for (int b = 0; b < n; b++) {
            ends[b] = batch.get(b).length();
        }
        int horizon = horizon();
        double[] y = new double[n * horizon];
        predict(batch, ends, y);
        for (int b = 0; b < n; b++) {
            Series s = batch.get(b);
            for (int h = 0; h < horizon; h++) {
                out.add(new Point(s.id, s.grid.timeAt(s.length() - 1 + h + 1), h + 1, y[b * horizon + h]));
            }
        }
    }

    /**
     * Forecasts, in the original scale, the {@code horizon} points after index {@code ends[b] - 1} of series
     * {@code b} from the {@code lookback} points before {@code ends[b]}; at most {@value #BATCH} series, into
     * {@code out[b * horizon + h]}.
     */
    void predict(List<Series> batch, int[] ends, double[] out) {
        try (WorkspacePool.Lease lease = WORKSPACES.lease(spec, lookback())) {
            layout.forecast(lease.kernel(), params, batch, ends, out);
        }
    }

    int lookback() {
        return layout.shape().lookback();
    }

    int horizon() {
        return spec.outputs();
    }
}
