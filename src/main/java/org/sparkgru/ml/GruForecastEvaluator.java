package org.sparkgru.ml;

import static org.apache.spark.sql.functions.col;

import java.io.Serializable;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.sparkgru.config.TuningMetric;
import org.sparkgru.metrics.ErrorSums;
import scala.Tuple2;

/**
 * The spark.ml Evaluator of held-out forecasts, so that {@code ParamGridBuilder} with {@code CrossValidator} or
 * {@code TrainValidationSplit} tunes a {@link GruForecaster}: it scores the output of a
 * {@link GruForecastModel} whose {@code holdout} is set (columns {@link #idCol()}, {@code forecast}, {@code actual},
 * {@code maseScale}) by {@link #metricName()}, {@code mase} (default), {@code smape}, {@code mae} or
 * {@code rmse}, computed with {@link ErrorSums} exactly as validation and the backtest compute them (MASE the mean
 * of the series' MAE over their scale); lower is better. Params save and load like the estimator's.
 */
public final class GruForecastEvaluator extends Evaluator implements MLWritable {
    private static final long serialVersionUID = 1L;
    private final String uid;
    private final Param<String> metricName;
    private final Param<String> idCol;

    public GruForecastEvaluator() {
        this(Identifiable$.MODULE$.randomUID("gruForecastEvaluator"));
    }

    public GruForecastEvaluator(String uid) {
        this.uid = uid;
        metricName = new Param<>(this, "metricName", "mase (default), smape, mae or rmse; lower is better");
        idCol = new Param<>(this, "idCol", "the series column of the forecasts, the model's id column data.id"
                + " (default series)");
        setDefault(metricName, TuningMetric.MASE.id());
        setDefault(idCol, "series");
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> metricName() {
        return metricName;
    }

    /** Sets the metric; an unknown name is a {@code ConfigError} naming it and the choices. */
    public GruForecastEvaluator setMetricName(String name) {
        TuningMetric.parse("metricName", name);
        set(metricName, name);
        return this;
    }

    public Param<String> idCol() {
        return idCol;
    }

    public GruForecastEvaluator setIdCol(String name) {
        set(idCol, name);
        return this;
    }

    /** One series' error sums and its MASE scale. */
    private record SeriesSums(ErrorSums sums, double scale) implements Serializable {
        SeriesSums plus(SeriesSums o) {
            return new SeriesSums(new ErrorSums().merge(sums).merge(o.sums), scale);
        }
    }

    /**
     * The metric over {@code dataset}'s held-out points: error sums per series, each series' MASE term from its
     * MAE and scale, all merged; rows without a forecast or an actual value are left out.
     */
    @Override
    public double evaluate(Dataset<?> dataset) {
        TuningMetric m = TuningMetric.parse("metricName", getOrDefault(metricName));
        for (String c : new String[] {getOrDefault(idCol), "forecast", Forecasting.ACTUAL, Forecasting.MASE_SCALE}) {
            if (!java.util.Arrays.asList(dataset.columns()).contains(c)) {
                throw new IllegalArgumentException("GruForecastEvaluator needs the column '" + c + "'; it scores the"
                        + " output of a GruForecastModel with holdout > 0 (setHoldout on the GruForecaster)"
                        + (c.equals(getOrDefault(idCol)) ? ", whose id column is the model's data.id (setIdCol)" : ""));
            }
        }
        Dataset<Row> points = dataset.select(col(getOrDefault(idCol)).cast(DataTypes.StringType),
                col("forecast").cast(DataTypes.DoubleType), col(Forecasting.ACTUAL).cast(DataTypes.DoubleType),
                col(Forecasting.MASE_SCALE).cast(DataTypes.DoubleType)).na().drop(new String[] {"forecast",
                Forecasting.ACTUAL});
        ErrorSums total = new ErrorSums();
        for (SeriesSums s : points.javaRDD().mapToPair(r -> {
            ErrorSums one = new ErrorSums();
            one.add(r.getDouble(1), r.getDouble(2));
            return new Tuple2<>(r.getString(0), new SeriesSums(one, r.isNullAt(3) ? 0 : r.getDouble(3)));
        }).reduceByKey(SeriesSums::plus).values().collect()) {
            ErrorSums one = new ErrorSums().merge(s.sums());
            one.addMase(s.sums().mae(), s.scale());
            total.merge(one);
        }
        return switch (m) {
            case MASE -> total.mase();
            case SMAPE -> total.smape();
            case MAE -> total.mae();
            case RMSE -> total.rmse();
        };
    }

    @Override
    public boolean isLargerBetter() {
        return false;
    }

    @Override
    public GruForecastEvaluator copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** spark.ml persistence of the params (as {@code DefaultParamsWritable}), so that a CrossValidator saves. */
    @Override
    public MLWriter write() {
        return new DefaultParamsWriter(this);
    }

    /** The reader of {@link #write()}'s output. */
    public static MLReader<GruForecastEvaluator> read() {
        return new DefaultParamsReader<>();
    }

    /** Loads params saved by {@link #write()}. */
    public static GruForecastEvaluator load(String path) {
        return read().load(path);
    }
}
