package org.sparkgru.data;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The model's scaler table ({@code scalers/}, Parquet, one row per training series: id, mean, scale, start,
 * frequency, length, featureMean, featureScale), written at the end of training and read by forecasting and
 * evaluation, so that a series seen in training is scaled the way it was trained.
 */
public final class ScalerTable {
    private static final StructType SCHEMA = new StructType().add("id", DataTypes.StringType)
            .add("mean", DataTypes.FloatType).add("scale", DataTypes.FloatType).add("start", DataTypes.StringType)
            .add("frequency", DataTypes.StringType).add("length", DataTypes.IntegerType)
            .add("featureMean", DataTypes.createArrayType(DataTypes.FloatType, false))
            .add("featureScale", DataTypes.createArrayType(DataTypes.FloatType, false));

    private ScalerTable() {
    }

    /** Writes the scalers of {@code series} (whole series, not chunks) to {@code path}. */
    public static void write(SparkSession spark, JavaRDD<Series> series, String path) {
        JavaRDD<Row> rows = series.map(s -> RowFactory.create(s.id, s.scaler.mean(), s.scaler.scale(),
                TimeFormat.format(s.grid.kind(), s.grid.timeAt(0)), s.grid.frequency(), s.length(),
                boxed(s.scaler.featureMean()), boxed(s.scaler.featureScale())));
        spark.createDataFrame(rows, SCHEMA).coalesce(1).write().mode("overwrite").parquet(path);
    }

    /** The scalers in {@code path} by series id. */
    public static Map<String, Scaler> read(SparkSession spark, String path) {
        Map<String, Scaler> map = new HashMap<>();
        for (Row r : spark.read().parquet(path).collectAsList()) {
            map.put(r.getString(r.fieldIndex("id")), new Scaler(r.getFloat(r.fieldIndex("mean")),
                    r.getFloat(r.fieldIndex("scale")), floats(r.getList(r.fieldIndex("featureMean"))),
                    floats(r.getList(r.fieldIndex("featureScale")))));
        }
        return map;
    }

    private static Float[] boxed(float[] a) {
        Float[] b = new Float[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = a[i];
        }
        return b;
    }

    private static float[] floats(List<Object> l) {
        float[] a = new float[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = ((Number) l.get(i)).floatValue();
        }
        return a;
    }
}
