package org.sparkgru.reporting;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.jfree.data.xy.XYSeriesCollection;
import org.sparkgru.forecasting.Backtest;

/**
 * The evaluation report a person opens in a browser: one self-contained HTML file with the training curves (train
 * loss and validation MAE against iteration, from {@code metrics.jsonl}), the metric table of the model against the
 * baselines, and actual-vs-forecast charts of the best, median and worst series (by the model's sMAPE). Charts are
 * drawn by JFreeChart and embedded as PNG data URIs.
 */
public final class HtmlReport {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 320;

    private HtmlReport() {
    }

    /**
     * Renders the report.
     *
     * @param title   page title
     * @param summary the evaluation summary (its {@code overall} table and counts)
     * @param metrics the lines of the model's {@code metrics.jsonl} (may be empty)
     * @param curves  labelled curves, e.g. best, median, worst
     */
    public static String render(String title, JsonNode summary, List<JsonNode> metrics,
                                List<Labelled> curves) throws IOException {
        StringBuilder html = new StringBuilder(head(title));
        html.append("<p>").append(summary.path("evaluatedSeries").asInt()).append(" series, ")
                .append(summary.path("origins").asInt()).append(" origin(s) of horizon ")
                .append(summary.path("horizon").asInt()).append(", season ").append(summary.path("season").asInt())
                .append(", ").append(summary.path("points").asLong()).append(" forecast points; ")
                .append(summary.path("notEvaluated").asInt()).append(" series not evaluated.</p>\n");
        html.append("<h2>Metrics against the baselines").append(summary.has("against") ? " and the --against model"
                : "").append("</h2>\n<table id=\"metrics\"><tr><th>method</th>");
        String[] names = {"MAE", "RMSE", "MAPE", "sMAPE", "MASE"};
        for (String n : names) {
            html.append("<th>").append(n).append("</th>");
        }
        html.append("</tr>\n");
        for (java.util.Iterator<String> it = summary.path("overall").fieldNames(); it.hasNext(); ) {
            String method = it.next();
            JsonNode row = summary.path("overall").path(method);
            String label = method.equals("against") ? "against " + summary.path("against").asText() : method;
            html.append("<tr><td>").append(esc(label.replace('_', ' '))).append("</td>");
            for (String n : names) {
                JsonNode v = row.path(n);
                html.append("<td>").append(v.isNumber() ? String.format("%.4g", v.asDouble()) : "–").append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</table>\n");
        JsonNode probabilistic = summary.path("probabilistic");
        if (probabilistic.isObject()) {
            html.append("<h2>Quantiles and intervals</h2>\n<table id=\"intervals\"><tr><th>method</th><th>levels</th>"
                    + "<th>WQL</th><th>central interval</th><th>coverage</th><th>MSIS</th></tr>\n");
            for (java.util.Iterator<String> m = probabilistic.fieldNames(); m.hasNext(); ) {
                String method = m.next();
                JsonNode q = probabilistic.path(method);
                for (java.util.Iterator<String> it = q.path("intervals").fieldNames(); it.hasNext(); ) {
                    String k = it.next();
                    JsonNode i = q.path("intervals").path(k);
                    html.append("<tr><td>").append(esc(method.replace('_', ' '))).append("</td><td>")
                            .append(esc(q.path("levels").toString())).append("</td><td>").append(number(q.path("WQL")))
                            .append("</td><td>").append(esc(k.replace('_', '.'))).append(" %</td><td>")
                            .append(number(i.path("coverage"))).append("</td><td>").append(number(i.path("MSIS")))
                            .append("</td></tr>\n");
                }
            }
            html.append("</table>\n");
        }
        if (!metrics.isEmpty()) {
            html.append("<h2>Training curves</h2>\n");
            html.append(img("training-loss", trainingChart(metrics, "trainLoss", "train loss (scaled)")));
            html.append(img("validation-mae", trainingChart(metrics, "valMAE", "validation MAE")));
        }
        html.append("<h2>Actual and forecast</h2>\n");
        for (Labelled c : curves) {
            html.append("<h3>").append(esc(c.label())).append(": series ").append(esc(c.curve().id()))
                    .append("</h3>\n");
            html.append(img("series-" + c.label(), seriesChart(c)));
        }
        html.append("</body></html>\n");
        return html.toString();
    }

    /** A curve with its role in the report. */
    public record Labelled(String label, Backtest.Curve curve) {
    }

    private static String number(JsonNode v) {
        return v.isNumber() ? String.format("%.4g", v.asDouble()) : "–";
    }

    private static String img(String id, JFreeChart chart) throws IOException {
        byte[] png = ChartUtils.encodeAsPNG(chart.createBufferedImage(WIDTH, HEIGHT));
        return "<img id=\"" + id + "\" alt=\"" + esc(chart.getTitle().getText()) + "\" width=\"" + WIDTH
                + "\" height=\"" + HEIGHT + "\" src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png)
                + "\">\n";
    }

    private static JFreeChart trainingChart(List<JsonNode> metrics, String field, String label) {
        XYSeries s = new XYSeries(label);
        for (JsonNode m : metrics) {
            if (m.has(field) && m.get(field).isNumber()) {
                s.add(m.get("iteration").asDouble(), m.get(field).asDouble());
            }
        }
        JFreeChart chart = ChartFactory.createXYLineChart(label + " by iteration", "iteration", label,
                new XYSeriesCollection(s), PlotOrientation.VERTICAL, true, false, false);
        style(chart);
        // validations are sparse: mark every point so that a single one is visible
        ((XYLineAndShapeRenderer) ((XYPlot) chart.getPlot()).getRenderer()).setDefaultShapesVisible(s.getItemCount() < 60);
        return chart;
    }

    private static JFreeChart seriesChart(Labelled l) {
        Backtest.Curve c = l.curve();
        XYSeries actual = new XYSeries("actual");
        XYSeries model = new XYSeries("model forecast");
        XYSeries seasonal = new XYSeries("seasonal naive");
        XYSeries against = new XYSeries("--against model forecast");
        for (int i = 0; i < c.actual().length; i++) {
            actual.add(i, c.actual()[i]);
            if (!Double.isNaN(c.model()[i])) {
                model.add(i, c.model()[i]);
                seasonal.add(i, c.seasonalNaive()[i]);
                if (c.against() != null) {
                    against.add(i, c.against()[i]);
                }
            }
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(actual);
        data.addSeries(model);
        data.addSeries(seasonal);
        if (c.against() != null) {
            data.addSeries(against);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(l.label() + ": " + c.id(), "time step (" + c.step()
                + ")", "value", data, PlotOrientation.VERTICAL, true, false, false);
        style(chart);
        XYLineAndShapeRenderer r = (XYLineAndShapeRenderer) ((XYPlot) chart.getPlot()).getRenderer();
        r.setSeriesPaint(0, new Color(40, 40, 40));
        r.setSeriesPaint(1, new Color(200, 40, 40));
        r.setSeriesPaint(2, new Color(40, 90, 200));
        r.setSeriesStroke(2, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {6f, 4f}, 0f));
        r.setSeriesPaint(3, new Color(30, 150, 60));
        if (c.lower() != null) {
            // the model's widest central interval as a shaded band behind the lines
            YIntervalSeries band = new YIntervalSeries(c.band() + " % interval");
            for (int i = 0; i < c.lower().length; i++) {
                if (!Double.isNaN(c.lower()[i])) {
                    band.add(i, c.model()[i], c.lower()[i], c.upper()[i]);
                }
            }
            YIntervalSeriesCollection bands = new YIntervalSeriesCollection();
            bands.addSeries(band);
            DeviationRenderer shade = new DeviationRenderer(false, false);
            shade.setSeriesPaint(0, new Color(200, 40, 40));
            shade.setSeriesFillPaint(0, new Color(200, 40, 40));
            shade.setAlpha(0.18f);
            XYPlot plot = (XYPlot) chart.getPlot();
            plot.setDataset(1, bands);
            plot.setRenderer(1, shade);
            plot.setDatasetRenderingOrder(org.jfree.chart.plot.DatasetRenderingOrder.REVERSE);
        }
        return chart;
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = (XYPlot) chart.getPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(220, 220, 220));
        plot.setRangeGridlinePaint(new Color(220, 220, 220));
        ((XYLineAndShapeRenderer) plot.getRenderer()).setDefaultShapesVisible(false);
        ((XYLineAndShapeRenderer) plot.getRenderer()).setSeriesStroke(0, new BasicStroke(1.8f));
    }

    /** The page's head, style and title heading: shared by the project's reports. */
    static String head(String title) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title)
                + "</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:960px}"
                + "table{border-collapse:collapse}td,th{border:1px solid #999;padding:4px 10px;text-align:right}"
                + "th:first-child,td:first-child{text-align:left}img{display:block;margin:1em 0}</style>"
                + "</head><body>\n<h1>" + esc(title) + "</h1>\n";
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
