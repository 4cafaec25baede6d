package org.sparkgru.data;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.StringType;
import org.sparkgru.config.TrainConfig;

/**
 * The static covariates of {@code data.staticFeatures}, as fitted on the training input and stored with the model:
 * per-series attributes, constant within each series, read by the head beside the last hidden state.
 *
 * <p>A floating-point or decimal column is <b>numeric</b>: standardized with the mean and (population) deviation
 * of its per-series values over the training series (scale 1 when they are all equal), and placed in the head's
 * context after the known-future covariates. A string, boolean or integer column is <b>categorical</b>: its
 * training categories, sorted, are rows {@code 1..V} of a learned embedding; row 0 stands for a category not seen
 * in training (and for a series without a value), and is set to the mean of the trained rows when training ends,
 * so such a series is forecast as an average category. The order of {@link #columns()} (numeric, then categorical,
 * each in the order of {@code data.staticFeatures}) is the order of the assembly's static columns.
 */
public final class StaticCovariates implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Most categories of one column: an embedding of more rows is a lookup table the data cannot train. */
    public static final int MAX_CATEGORIES = 65_535;

    /** No static covariates. */
    public static final StaticCovariates NONE = new StaticCovariates(List.of(), new float[0], new float[0], List.of(),
            List.of());

    private final List<String> numeric;
    private final float[] mean;
    private final float[] scale;
    private final List<String> categorical;
    private final List<List<String>> categories;
    private transient List<Map<String, Integer>> codes;

    StaticCovariates(List<String> numeric, float[] mean, float[] scale, List<String> categorical,
                     List<List<String>> categories) {
        this.numeric = List.copyOf(numeric);
        this.mean = mean.clone();
        this.scale = scale.clone();
        this.categorical = List.copyOf(categorical);
        this.categories = categories.stream().map(List::copyOf).toList();
    }

    /** Whether a column of type {@code t} is categorical (string, boolean, integer) rather than numeric. */
    public static boolean categorical(DataType t) {
        return t instanceof StringType || t instanceof BooleanType || t instanceof IntegralType;
    }

    /** Whether {@code t} is a type a static covariate may have. */
    public static boolean supported(DataType t) {
        return categorical(t) || t instanceof DoubleType || t instanceof FloatType || t instanceof DecimalType;
    }

    /**
     * Fits the scalers and vocabularies on {@code df}'s series: one value per series and column (the first that is
     * not null; that the others agree is checked when the series are assembled), then the numeric columns' mean and
     * deviation over series and the categorical columns' distinct values, sorted.
     */
    public static StaticCovariates fit(Dataset<Row> df, TrainConfig.Data d) {
        if (d.staticFeatures().isEmpty()) {
            return NONE;
        }
        List<String> numeric = new ArrayList<>();
        List<String> categorical = new ArrayList<>();
        for (String c : d.staticFeatures()) {
            (categorical(df.schema().apply(c).dataType()) ? categorical : numeric).add(c);
        }
        List<Column> firsts = new ArrayList<>();
        for (String c : numeric) {
            firsts.add(functions.first(col(c).cast(DataTypes.DoubleType), true).as(c));
        }
        for (String c : categorical) {
            firsts.add(functions.first(col(c).cast(DataTypes.StringType), true).as(c));
        }
        Dataset<Row> perSeries = df.groupBy(col(d.id())).agg(firsts.get(0),
                firsts.subList(1, firsts.size()).toArray(Column[]::new)).cache();
        try {
            float[] mean = new float[numeric.size()];
            float[] scale = new float[numeric.size()];
            if (!numeric.isEmpty()) {
                List<Column> stats = new ArrayList<>();
                for (String c : numeric) {
                    stats.add(functions.avg(col(c)));
                    stats.add(functions.stddev_pop(col(c)));
                }
                Row r = perSeries.agg(stats.get(0), stats.subList(1, stats.size()).toArray(Column[]::new)).first();
                for (int i = 0; i < numeric.size(); i++) {
                    mean[i] = r.isNullAt(2 * i) ? 0f : (float) r.getDouble(2 * i);
                    double sd = r.isNullAt(2 * i + 1) ? 0 : r.getDouble(2 * i + 1);
                    scale[i] = sd > 1e-12 * Math.max(1, Math.abs(mean[i])) ? (float) sd : 1f;
                }
            }
            List<List<String>> categories = new ArrayList<>();
            for (String c : categorical) {
                Dataset<Row> distinct = perSeries.select(col(c)).where(col(c).isNotNull()).distinct();
                long n = distinct.count();
                if (n > MAX_CATEGORIES) {
                    throw new DataError("the static covariate '" + c + "' has " + n + " categories, more than "
                            + MAX_CATEGORIES + " an embedding can learn from; group rare categories, or give it as a"
                            + " numeric column (a floating-point type) if its values are measurements");
                }
                categories.add(distinct.orderBy(col(c)).collectAsList().stream().map(r -> r.getString(0)).toList());
            }
            return new StaticCovariates(numeric, mean, scale, categorical, categories);
        } finally {
            perSeries.unpersist();
        }
    }

    /** Every static column: the numeric ones, then the categorical ones. */
    public List<String> columns() {
        List<String> all = new ArrayList<>(numeric);
        all.addAll(categorical);
        return all;
    }

    /** Numeric static covariates: context values of the head. */
    public int numericCount() {
        return numeric.size();
    }

    /** Categorical static covariates: embedded inputs of the head. */
    public int categoricalCount() {
        return categorical.size();
    }

    /** Whether there are none. */
    public boolean isEmpty() {
        return numeric.isEmpty() && categorical.isEmpty();
    }

    /** Embedding rows per categorical column: its training categories plus the unknown row 0. */
    public List<Integer> rows() {
        return categories.stream().map(c -> c.size() + 1).toList();
    }

    /** The standardized value of numeric column {@code i}. */
    public float standardize(int i, double v) {
        return (float) ((v - mean[i]) / scale[i]);
    }

    /** The embedding row of {@code value} in categorical column {@code k}: 1.. for training categories, else 0. */
    public int code(int k, String value) {
        if (codes == null) {
            List<Map<String, Integer>> maps = new ArrayList<>();
            for (List<String> c : categories) {
                Map<String, Integer> m = new HashMap<>();
                for (int i = 0; i < c.size(); i++) {
                    m.put(c.get(i), i + 1);
                }
                maps.add(m);
            }
            codes = maps;
        }
        return value == null ? 0 : codes.get(k).getOrDefault(value, 0);
    }

    /** Name of column {@code c} of {@link #columns()}. */
    public String column(int c) {
        return c < numeric.size() ? numeric.get(c) : categorical.get(c - numeric.size());
    }

    /**
     * The model's record ({@code metadata.data.staticFeatures}): {@code {"numeric":[{"name", "mean", "scale"}],
     * "categorical":[{"name", "categories":[...]}]}}, the categories in row order from row 1.
     */
    public JsonNode toJson() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        var num = root.putArray("numeric");
        for (int i = 0; i < numeric.size(); i++) {
            num.addObject().put("name", numeric.get(i)).put("mean", mean[i]).put("scale", scale[i]);
        }
        var cat = root.putArray("categorical");
        for (int k = 0; k < categorical.size(); k++) {
            ObjectNode o = cat.addObject().put("name", categorical.get(k));
            categories.get(k).forEach(o.putArray("categories")::add);
        }
        return root;
    }

    /** Reads {@link #toJson}; a missing node (a model without static covariates) is {@link #NONE}. */
    public static StaticCovariates fromJson(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return NONE;
        }
        List<String> numeric = new ArrayList<>();
        JsonNode num = node.path("numeric");
        float[] mean = new float[num.size()];
        float[] scale = new float[num.size()];
        for (int i = 0; i < num.size(); i++) {
            numeric.add(num.get(i).path("name").asText());
            mean[i] = (float) num.get(i).path("mean").asDouble();
            scale[i] = (float) num.get(i).path("scale").asDouble(1);
        }
        List<String> categorical = new ArrayList<>();
        List<List<String>> categories = new ArrayList<>();
        for (JsonNode c : node.path("categorical")) {
            categorical.add(c.path("name").asText());
            List<String> values = new ArrayList<>();
            c.path("categories").forEach(v -> values.add(v.asText()));
            categories.add(values);
        }
        return new StaticCovariates(numeric, mean, scale, categorical, categories);
    }
}
