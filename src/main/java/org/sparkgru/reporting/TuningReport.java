package org.sparkgru.reporting;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * The leaderboard of a hyper-parameter search as one self-contained HTML page ({@code MODEL/tuning/report.html}):
 * a table of every trial, best first, with its overrides, its validation-tail metrics against the baselines'
 * MASE, its iterations and seconds, or why it failed. The best trial's own report (curves and charts) is the
 * model's {@code report/report.html}.
 */
public final class TuningReport {
    private static final String[] METRICS = {"mase", "smape", "mae", "rmse"};

    private TuningReport() {
    }

    /** Renders {@code leaderboard}, the JSON of {@code org.sparkgru.ml.Leaderboard}. */
    public static String render(String title, JsonNode leaderboard) {
        StringBuilder html = new StringBuilder(HtmlReport.head(title));
        html.append("<p>").append(leaderboard.path("trials").size()).append(" trials (")
                .append(HtmlReport.esc(leaderboard.path("strategy").asText())).append(", ")
                .append(leaderboard.path("parallel").asInt()).append(" at once), ranked by validation-tail ")
                .append(HtmlReport.esc(leaderboard.path("metric").asText())).append(", lower first; best: trial ")
                .append(leaderboard.path("best").isNumber() ? leaderboard.path("best").asText() : "none")
                .append(".</p>\n");
        html.append("<h2>Leaderboard</h2>\n<table id=\"leaderboard\"><tr><th>rank</th><th>trial</th>"
                + "<th>overrides</th><th>status</th><th>MASE</th><th>sMAPE</th><th>MAE</th><th>RMSE</th>"
                + "<th>naive MASE</th><th>seasonal naive MASE</th><th>iterations</th><th>seconds</th></tr>\n");
        int rank = 0;
        for (JsonNode t : leaderboard.path("trials")) {
            html.append("<tr><td>").append(++rank).append("</td><td>").append(t.path("trial").asInt())
                    .append("</td><td style=\"text-align:left\">").append(HtmlReport.esc(overrides(t)))
                    .append("</td>");
            if (t.has("failure")) {
                html.append("<td style=\"text-align:left\" colspan=\"9\">failed: ")
                        .append(HtmlReport.esc(t.path("failure").asText())).append("</td>");
            } else {
                html.append("<td>ok</td>");
                for (String m : METRICS) {
                    html.append(cell(t.path("metrics").path(m)));
                }
                html.append(cell(t.at("/baselines/naive/mase"))).append(cell(t.at("/baselines/seasonalNaive/mase")))
                        .append("<td>").append(t.path("iterations").asInt()).append("</td>")
                        .append(cell(t.path("seconds")));
            }
            html.append("</tr>\n");
        }
        html.append("</table>\n</body></html>\n");
        return html.toString();
    }

    private static String overrides(JsonNode t) {
        StringBuilder s = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = t.path("overrides").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            s.append(s.isEmpty() ? "" : ", ").append(e.getKey()).append(" = ").append(e.getValue());
        }
        return s.toString();
    }

    private static String cell(JsonNode v) {
        return "<td>" + (v.isNumber() ? String.format("%.4g", v.asDouble()) : "–") + "</td>";
    }
}
