package org.sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgru.config.TrainConfig;
import org.sparkgru.testing.SparkTests;
import picocli.CommandLine;

/**
 * The report a person opens: the training job's validation-tail report is parsed (metric table, five embedded
 * charts that decode to images with data drawn on them), and rendered by headless Chromium, whose screenshot must
 * show the charts (skipped where Debian's chromium is not installed; .ci/run installs it).
 */
class ReportTest {
    @TempDir
    static Path shared;

    private static Path report;

    @BeforeAll
    static void train() throws IOException {
        String model = shared.resolve("model").toString();
        TrainJob job = new TrainJob();
        new CommandLine(job).parseArgs("--input", "data-samples/hourly.csv", "--format", "csv", "--model", model,
                "--set", "data.features=[temperature]", "--set", "train.iterations=30", "--set", "model.hidden=8",
                "--set", "train.validationEvery=10");
        job.run(SparkTests.session(), TrainConfig.load(job.config, job.sets));
        report = Path.of(model, "report", "report.html");
    }

    private static int countPixels(BufferedImage img, int r, int g, int b, int tolerance) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y);
                if (Math.abs(((p >> 16) & 255) - r) <= tolerance && Math.abs(((p >> 8) & 255) - g) <= tolerance
                        && Math.abs((p & 255) - b) <= tolerance) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void reportHasTheTableAndFiveChartsWithData() throws IOException {
        assertTrue(Files.exists(report.getParent().resolve("_SUCCESS")));
        String html = Files.readString(report);
        assertTrue(html.startsWith("<!DOCTYPE html>") && html.trim().endsWith("</html>"));
        Matcher rows = Pattern.compile("<tr><td>(model|naive|seasonal naive)</td>(<td>[^<]+</td>){5}</tr>").matcher(html);
        List<String> methods = new ArrayList<>();
        while (rows.find()) {
            methods.add(rows.group(1));
        }
        assertEquals(List.of("model", "naive", "seasonal naive"), methods);
        Matcher imgs = Pattern.compile("<img id=\"([\\w-]+)\"[^>]*src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"")
                .matcher(html);
        List<String> ids = new ArrayList<>();
        while (imgs.find()) {
            ids.add(imgs.group(1));
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(imgs.group(2))));
            assertEquals(900, img.getWidth());
            assertEquals(320, img.getHeight());
            int red = countPixels(img, 255, 85, 85, 40) + countPixels(img, 200, 40, 40, 30);
            assertTrue(red > 50, imgs.group(1) + " has a plotted line (" + red + " red pixels)");
        }
        assertEquals(List.of("training-loss", "validation-mae", "series-best", "series-median", "series-worst"), ids);
    }

    @Test
    void headlessChromiumRendersTheCharts() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        Assumptions.assumeTrue(Files.isExecutable(chromium), "Debian's chromium is not installed");
        Path shot = shared.resolve("report.png");
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + shared.resolve("chromium-profile"), "--window-size=1000,2400",
                "--screenshot=" + shot, report.toUri().toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium timed out");
        assertTrue(Files.exists(shot), "no screenshot: " + log);
        BufferedImage img = ImageIO.read(shot.toFile());
        assertEquals(1000, img.getWidth());
        // the model's forecast lines (red) and the actual lines (near black) are on the rendered page
        int red = countPixels(img, 200, 40, 40, 30) + countPixels(img, 255, 85, 85, 40);
        int dark = countPixels(img, 40, 40, 40, 25);
        assertTrue(red > 500, "rendered red pixels: " + red);
        assertTrue(dark > 2000, "rendered dark pixels: " + dark);
        // the lower half of the page holds the series charts: not blank
        int lower = 0;
        for (int y = img.getHeight() / 2; y < img.getHeight() * 3 / 4; y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF) {
                    lower++;
                }
            }
        }
        assertTrue(lower > 5000, "series charts rendered in the lower half: " + lower);
    }
}
