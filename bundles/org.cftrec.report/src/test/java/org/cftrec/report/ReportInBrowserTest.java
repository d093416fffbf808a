package org.cftrec.report;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * The report as a user sees it: headless Chromium loads report.html (inside a page of the test that reads the
 * report's document once it has loaded) and must find the comparison table first, every chart decoded as an
 * image, and nothing logged by the page. Needs Debian's chromium (.ci/run installs it where missing).
 */
public class ReportInBrowserTest {
    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void chromiumShowsTheComparisonAndEveryChartAndLogsNoError() throws Exception {
        Path run = folder.newFolder("run").toPath();
        HtmlReportTest.writeRun(run);
        Path report = new HtmlReport().write(run);
        int charts = Files.readString(report).split("data:image/png;base64,", -1).length - 1;
        Files.writeString(run.resolve("check.html"), "<!DOCTYPE html><html><body>"
                + "<iframe id=\"f\" src=\"report.html\" width=\"1200\" height=\"800\"></iframe><script>"
                + "document.getElementById('f').addEventListener('load', function () {"
                + "  var d = document.getElementById('f').contentDocument;"
                + "  var images = Array.prototype.slice.call(d.images);"
                + "  document.body.setAttribute('data-images', images.length);"
                + "  document.body.setAttribute('data-broken', images.filter(function (i) {"
                + "    return !(i.complete && i.naturalWidth > 0); }).length);"
                + "  var first = d.querySelector('table');"
                + "  document.body.setAttribute('data-first-table', first ? first.className : 'none');"
                + "  document.body.setAttribute('data-comparison-rows', d.querySelectorAll('table.comparison tr').length);"
                + "});</script></body></html>");
        Path log = run.resolve("chromium.log");
        Process chromium;
        try {
            chromium = new ProcessBuilder("chromium", "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--allow-file-access-from-files", "--virtual-time-budget=10000", "--enable-logging=stderr", "--v=0",
                    "--dump-dom", run.resolve("check.html").toUri().toString())
                    .redirectError(log.toFile()).start();
        } catch (java.io.IOException e) {
            throw new AssertionError("chromium is needed to check the report as a browser shows it (Debian: "
                    + "apt-get install chromium): " + e.getMessage(), e);
        }
        String dom = new String(chromium.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("chromium did not end within 60 s", chromium.waitFor(60, TimeUnit.SECONDS));
        Matcher body = Pattern.compile("<body([^>]*)>").matcher(dom);
        assertTrue(dom, body.find());
        String attributes = body.group(1);
        assertEquals(attributes, String.valueOf(charts), attribute(attributes, "data-images"));
        assertEquals(attributes, "0", attribute(attributes, "data-broken"));
        assertEquals(attributes, "comparison", attribute(attributes, "data-first-table"));
        // Header rows (2) + sft + cft + popularity + item-kNN.
        assertEquals(attributes, "6", attribute(attributes, "data-comparison-rows"));
        List<String> pageErrors = Files.readAllLines(log).stream()
                .filter(l -> l.contains("CONSOLE") || l.contains("Uncaught") || l.contains("Not allowed to load"))
                .toList();
        assertEquals("the page logged: " + pageErrors, List.of(), pageErrors);
    }

    private static String attribute(String attributes, String name) {
        Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(attributes);
        return m.find() ? m.group(1) : "(missing)";
    }
}
