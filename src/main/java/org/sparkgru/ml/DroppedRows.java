package org.sparkgru.ml;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;
import org.sparkgru.data.SeriesAssembler;

/**
 * The input rows that the data policies dropped while assembling the series, under the names training stores in
 * {@code metadata.dataQuality}, so that a forecast's or an evaluation's {@code summary.json} accounts for every input
 * row as training does.
 *
 * @param rowsWithoutSeriesId rows with a null series id ({@code data.missing = drop} or {@code interpolate})
 * @param droppedMissing      rows of assembled series dropped by {@code data.missing}: a null time, or under
 *                            {@code drop} a null, NaN or infinite target or covariate
 */
public record DroppedRows(long rowsWithoutSeriesId, long droppedMissing) implements Serializable {
    /** Nothing dropped. */
    public static final DroppedRows NONE = new DroppedRows(0, 0);

    /** The counts of an assembly's results. */
    static DroppedRows of(JavaRDD<SeriesAssembler.Result> results) {
        return results.map(r -> r instanceof SeriesAssembler.Unidentified u ? new DroppedRows(u.rows(), 0)
                : r instanceof SeriesAssembler.Ok ok ? new DroppedRows(0, ok.series().quality.droppedMissing())
                : NONE).fold(NONE, DroppedRows::plus);
    }

    /** The counts of a training's data-quality report. */
    static DroppedRows of(ObjectNode dataQuality) {
        return new DroppedRows(dataQuality.path("rowsWithoutSeriesId").asLong(),
                dataQuality.path("droppedMissing").asLong());
    }

    DroppedRows plus(DroppedRows o) {
        return new DroppedRows(rowsWithoutSeriesId + o.rowsWithoutSeriesId, droppedMissing + o.droppedMissing);
    }

    /** Adds both counts to a {@code summary.json}. */
    public void putInto(ObjectNode summary) {
        summary.put("rowsWithoutSeriesId", rowsWithoutSeriesId);
        summary.put("droppedMissing", droppedMissing);
    }

    /** For the log: empty when nothing was dropped. */
    String describe() {
        return equals(NONE) ? "" : "; dropped by data.missing: " + rowsWithoutSeriesId + " row(s) without a series id"
                + " (rowsWithoutSeriesId), " + droppedMissing + " row(s) with a null time or value (droppedMissing)";
    }
}
