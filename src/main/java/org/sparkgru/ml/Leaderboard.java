package org.sparkgru.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigRenderOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkgru.config.TuningMetric;
import org.sparkgru.io.AtomicFiles;
import org.sparkgru.reporting.TuningReport;

/**
 * The outcome of a search: every trial ranked best first (finished trials by the metric, lower first, ties by trial
 * number; then finished trials without a value of the metric; then failed trials), written as
 * {@value #JSON_FILE} and {@value #HTML_FILE}.
 */
public final class Leaderboard {
    /** The leaderboard's JSON file in {@code MODEL/tuning}. */
    public static final String JSON_FILE = "leaderboard.json";
    /** Its HTML table in {@code MODEL/tuning}. */
    public static final String HTML_FILE = "report.html";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One trial's line.
     *
     * @param trial     the trial
     * @param directory its model directory, relative to {@code MODEL/tuning}
     * @param report    its validation-tail backtest summary, null when it failed
     * @param failure   why it failed, or null
     */
    public record Entry(Tuning.Trial trial, String directory, JsonNode report, int iterations, int bestIteration,
                        double seconds, String failure) {
        static Entry of(Tuning.Trial t, String directory, Training.TrainingRun run, double seconds) {
            return new Entry(t, directory, run.report(), run.training().iterations(), run.training().bestIteration(),
                    seconds, null);
        }

        static Entry failed(Tuning.Trial t, String directory, String message, double seconds) {
            return new Entry(t, directory, null, 0, 0, seconds, message);
        }

        /** The model's overall value of {@code m} on the validation tail; NaN when failed or undefined. */
        public double metric(TuningMetric m) {
            return report == null ? Double.NaN : Tuning.overall(report, "model", m.field());
        }

        /** A baseline's ({@code naive}, {@code seasonal_naive}) overall MASE on the same tail. */
        public double baselineMase(String method) {
            return report == null ? Double.NaN : Tuning.overall(report, method, "MASE");
        }

        ObjectNode json() {
            ObjectNode o = JSON.createObjectNode();
            o.put("trial", trial.number());
            o.put("directory", directory);
            o.put("status", failure == null ? "ok" : "failed");
            ObjectNode overrides = o.putObject("overrides");
            trial.overrides().forEach((k, v) -> {
                try {
                    overrides.set(k, JSON.readTree(v.render(ConfigRenderOptions.concise())));
                } catch (IOException e) {
                    throw new IllegalStateException("HOCON renders JSON", e);
                }
            });
            if (failure == null) {
                ObjectNode metrics = o.putObject("metrics");
                for (TuningMetric m : TuningMetric.values()) {
                    Evaluation.putFinite(metrics, m.id(), metric(m));
                }
                ObjectNode baselines = o.putObject("baselines");
                Evaluation.putFinite(baselines.putObject("naive"), "mase", baselineMase("naive"));
                Evaluation.putFinite(baselines.putObject("seasonalNaive"), "mase", baselineMase("seasonal_naive"));
                o.put("iterations", iterations);
                o.put("bestIteration", bestIteration);
            } else {
                o.put("failure", failure);
            }
            o.put("seconds", seconds);
            return o;
        }
    }

    private final String model;
    private final Tuning.Options options;
    private final int parallel;
    private final List<Entry> ranked;

    Leaderboard(String model, Tuning.Options options, int parallel, List<Entry> entries) {
        this.model = model;
        this.options = options;
        this.parallel = parallel;
        TuningMetric m = options.metric();
        this.ranked = new ArrayList<>(entries);
        ranked.sort(Comparator.comparingInt((Entry e) -> e.failure() != null ? 2 : Double.isFinite(e.metric(m)) ? 0 : 1)
                .thenComparingDouble(e -> Double.isFinite(e.metric(m)) ? e.metric(m) : 0)
                .thenComparingInt(e -> e.trial().number()));
    }

    /** The trials, best first. */
    public List<Entry> ranked() {
        return List.copyOf(ranked);
    }

    /** The best trial, or null when no trial finished with a value of the metric. */
    public Entry best() {
        Entry first = ranked.isEmpty() ? null : ranked.get(0);
        return first != null && Double.isFinite(first.metric(options.metric())) ? first : null;
    }

    /** Why there is no best trial (when {@link #best()} is null). */
    String noBestReason() {
        List<Entry> failed = ranked.stream().filter(e -> e.failure() != null).toList();
        if (failed.size() == ranked.size()) {
            Entry first = failed.stream().min(Comparator.comparingInt(e -> e.trial().number())).orElseThrow();
            return "all " + ranked.size() + " trials failed; trial " + first.trial().number() + " ("
                    + first.trial().describe() + "): " + first.failure();
        }
        return "no trial has a validation-tail " + options.metric().field() + " (undefined on these series); choose"
                + " another --metric";
    }

    /** The leaderboard as JSON: the search's options and the ranked trials. */
    public ObjectNode json() {
        ObjectNode o = JSON.createObjectNode();
        o.put("model", model);
        o.put("metric", options.metric().id());
        o.put("strategy", options.strategy().id());
        o.put("seed", options.seed());
        o.put("parallel", parallel);
        Entry best = best();
        if (best != null) {
            o.put("best", best.trial().number());
        } else {
            o.putNull("best");
        }
        var trials = o.putArray("trials");
        ranked.forEach(e -> trials.add(e.json()));
        return o;
    }

    /** Writes {@value #JSON_FILE} and {@value #HTML_FILE} into {@code dir}, each atomically. */
    void write(FileSystem fs, Path dir) throws IOException {
        ObjectNode json = json();
        AtomicFiles.writeFile(fs, new Path(dir, JSON_FILE),
                out -> out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json)));
        String html = TuningReport.render("spark-gru search for " + model, json);
        AtomicFiles.writeFile(fs, new Path(dir, HTML_FILE), out -> out.write(html.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * One line: "best of 4 trials (1 failed): trial 2 (model.baseline="seasonal-naive"), validation-tail MASE 0.51
     * against naive 1.3 and seasonal naive 0.55; model at MODEL, leaderboard in ..." (with the ranking metric
     * first when it is not MASE).
     */
    public String summary() {
        Entry b = best();
        long failed = ranked.stream().filter(e -> e.failure() != null).count();
        TuningMetric m = options.metric();
        String score = m == TuningMetric.MASE ? "" : String.format("%s %.4g, ", m.field(), b.metric(m));
        return String.format("best of %d trials%s: trial %d (%s), validation-tail %sMASE %.4g against naive %.4g and"
                        + " seasonal naive %.4g; model at %s, leaderboard in %s", ranked.size(),
                failed > 0 ? " (" + failed + " failed)" : "", b.trial().number(), b.trial().describe(), score,
                b.metric(TuningMetric.MASE), b.baselineMase("naive"), b.baselineMase("seasonal_naive"), model,
                new Path(new Path(model, Tuning.TUNING), JSON_FILE));
    }
}
