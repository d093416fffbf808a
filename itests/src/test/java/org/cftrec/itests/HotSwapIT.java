package org.cftrec.itests;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.cftrec.api.run.ExperimentService;
import org.cftrec.api.run.RunInfo;
import org.cftrec.api.run.RunStatus;
import org.cftrec.api.spec.ExperimentSpec;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

import javax.inject.Inject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/** Plugins coming and going while the runtime runs: the deploy folder, and a run whose plugin goes away. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotSwapIT {
    private static final String WEIGHTING = "org.cftrec.weighting.standard";

    @Inject
    private BundleContext context;

    @Inject
    private ExperimentService experiments;

    @Configuration
    public Option[] config() {
        return KarafOptions.distribution();
    }

    @Test
    public void aRunWhosePluginStopsIsInterruptedWithACheckpointAndResumesWithAReplacement() throws Exception {
        String json = "{\"name\": \"swap\", \"seed\": 5,"
                + " \"dataset\": {\"plugin\": \"synthetic\", \"params\": {\"users\": 40, \"items\": 20, \"genres\": 2,"
                + "   \"minLength\": 6, \"maxLength\": 8}},"
                + " \"backbone\": {\"plugin\": \"llama\", \"params\": {\"layers\": 1, \"hidden\": 16, \"heads\": 2, \"intermediate\": 32}},"
                + " \"trainer\": {\"plugin\": \"cpu\", \"params\": {\"epochs\": 3, \"microBatch\": 8, \"accumulation\": 1,"
                + "   \"evalEvery\": 5, \"patience\": 0}},"
                + " \"evaluation\": {\"protocols\": [{\"plugin\": \"d3\", \"params\": {\"beams\": 2}}], \"maxCases\": 2,"
                + "   \"historyModes\": [\"factual\"]}}";
        ExperimentSpec spec = new ObjectMapper().readValue(json, ExperimentSpec.class);
        RunInfo run = experiments.start(spec);
        awaitTrainingStep(run.id(), 12);
        Bundle weighting = bundle(WEIGHTING);
        weighting.stop();
        RunInfo stopped = Patience.awaitEnd(experiments, run.id(), Duration.ofMinutes(2));
        assertEquals(stopped.message(), RunStatus.INTERRUPTED, stopped.status());
        assertTrue(stopped.message(), stopped.message().contains("plugin went away: weighting 'linear'"));
        assertTrue(Files.isDirectory(stopped.directory().resolve("variants/cft/checkpoints/last")));

        weighting.start();
        RunInfo resumed = Patience.awaitEnd(experiments, experiments.resume(run.id()).id(), Duration.ofMinutes(5));
        assertEquals(resumed.message(), RunStatus.SUCCEEDED, resumed.status());
        String log = Files.readString(resumed.directory().resolve("run.log"));
        assertTrue(log, log.contains("resumed from"));
        assertTrue(Files.isRegularFile(resumed.directory().resolve("results.json")));
    }

    @Test
    public void aBundleDroppedIntoDeployIsAPluginWithinSeconds() throws Exception {
        Bundle weighting = bundle(WEIGHTING);
        Path jar = Paths.get(URI.create(jarLocation(weighting)));
        weighting.uninstall();
        awaitWeightings(0);
        Path deploy = Paths.get(System.getProperty("karaf.base"), "deploy");
        Path dropped = deploy.resolve("weighting.jar");
        long start = System.nanoTime();
        Files.copy(jar, dropped, StandardCopyOption.REPLACE_EXISTING);
        awaitWeightings(5);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue("picked up after " + seconds + " s", seconds < 10);
        Files.delete(dropped);
        awaitWeightings(0);
        context.installBundle(Paths.get(URI.create(jarLocation(weighting))).toUri().toString()).start();
        awaitWeightings(5);
    }

    @Test
    public void updatingAPluginBundleChangesWhatTheNextRunUsesAndProvenanceSaysSo() throws Exception {
        Bundle weighting = bundle(WEIGHTING);
        byte[] updated = withVersion(Paths.get(URI.create(jarLocation(weighting))), "0.1.1");
        weighting.update(new java.io.ByteArrayInputStream(updated));
        // The refresh is asynchronous: wait for it, so that no run starts while the bundle is being restarted.
        java.util.concurrent.CountDownLatch refreshed = new java.util.concurrent.CountDownLatch(1);
        context.getBundle(0).adapt(org.osgi.framework.wiring.FrameworkWiring.class)
                .refreshBundles(java.util.List.of(weighting), event -> refreshed.countDown());
        assertTrue("refresh finished", refreshed.await(Patience.scaled(Duration.ofSeconds(30)).toSeconds(),
                java.util.concurrent.TimeUnit.SECONDS));
        long deadline = System.currentTimeMillis() + Patience.scaled(Duration.ofSeconds(20)).toMillis();
        while (System.currentTimeMillis() < deadline && experiments.plugins().stream()
                .noneMatch(p -> p.name().equals("linear") && p.version().equals("0.1.1"))) {
            Thread.sleep(50);
        }
        Bundle now = bundle(WEIGHTING);
        assertEquals("state of " + now.getSymbolicName() + " " + now.getVersion() + " "
                + now.getHeaders().get("Service-Component"), Bundle.ACTIVE, now.getState());
        String json = "{\"name\": \"updated\", \"dataset\": {\"plugin\": \"synthetic\", \"params\": {\"users\": 10,"
                + " \"items\": 20, \"genres\": 2, \"minLength\": 4, \"maxLength\": 5}},"
                + " \"backbone\": {\"plugin\": \"llama\", \"params\": {\"layers\": 1, \"hidden\": 16, \"heads\": 2, \"intermediate\": 32}},"
                + " \"trainer\": {\"plugin\": \"cpu\", \"params\": {\"epochs\": 1, \"microBatch\": 8, \"accumulation\": 1}},"
                + " \"evaluation\": {\"protocols\": [{\"plugin\": \"d3\", \"params\": {\"beams\": 2}}], \"maxCases\": 2,"
                + " \"historyModes\": [\"factual\"]}}";
        RunInfo run = Patience.awaitEnd(experiments, experiments.start(new ObjectMapper().readValue(json, ExperimentSpec.class)).id(),
                Duration.ofMinutes(3));
        assertEquals(run.message(), RunStatus.SUCCEEDED, run.status());
        var provenance = new ObjectMapper().readTree(run.directory().resolve("provenance.json").toFile());
        boolean recorded = false;
        for (var plugin : provenance.path("plugins")) {
            if (plugin.path("name").asText().equals("linear")) {
                assertEquals(WEIGHTING, plugin.path("bundle").asText());
                assertEquals("0.1.1", plugin.path("version").asText());
                recorded = true;
            }
        }
        assertTrue(provenance.toString(), recorded);
    }

    @Test
    public void aDataPathOutsideTheAllowedRootsIsRefused() throws Exception {
        String json = "{\"name\": \"escape\", \"dataset\": {\"plugin\": \"movielens\", \"params\": {\"path\": \"/etc\"}}}";
        ExperimentSpec spec = new ObjectMapper().readValue(json, ExperimentSpec.class);
        int runsBefore = experiments.runs().size();
        // Refused before the run starts: no FAILED run folder is left behind.
        IllegalArgumentException e = org.junit.Assert.assertThrows(IllegalArgumentException.class, () -> experiments.start(spec));
        assertTrue(e.getMessage(), e.getMessage().contains("data path '/etc' resolves to /etc, outside the allowed data roots"));
        assertEquals(runsBefore, experiments.runs().size());
    }

    /** The jar with its Bundle-Version replaced: a new version of the same plugin bundle. */
    private static byte[] withVersion(Path jar, String version) throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.jar.JarFile in = new java.util.jar.JarFile(jar.toFile())) {
            java.util.jar.Manifest manifest = in.getManifest();
            manifest.getMainAttributes().putValue("Bundle-Version", version);
            try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(bytes, manifest)) {
                for (var entries = in.entries(); entries.hasMoreElements(); ) {
                    var entry = entries.nextElement();
                    if (entry.getName().equals("META-INF/MANIFEST.MF")) {
                        continue;
                    }
                    out.putNextEntry(new java.util.jar.JarEntry(entry.getName()));
                    in.getInputStream(entry).transferTo(out);
                    out.closeEntry();
                }
            }
        }
        return bytes.toByteArray();
    }

    private String jarLocation(Bundle bundle) {
        // Installed from the distribution's system/ repository: resolve the mvn: location to that file.
        Path system = Paths.get(System.getProperty("karaf.home"), "system", "org", "cftrec", WEIGHTING, "0.1.0");
        return system.resolve(WEIGHTING + "-0.1.0.jar").toUri().toString();
    }

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError("bundle " + symbolicName + " not installed"));
    }

    private void awaitTrainingStep(String id, int step) throws Exception {
        long deadline = System.currentTimeMillis() + Patience.scaled(Duration.ofMinutes(2)).toMillis();
        while (System.currentTimeMillis() < deadline) {
            RunInfo info = experiments.run(id).orElseThrow();
            assertTrue("run ended early: " + info, !info.status().finished());
            if (lastStep(info.directory().resolve("metrics.jsonl")) >= step) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("TIMEOUT (not a wrong result): training did not reach step " + step + " ("
                + Patience.describeLoad() + ")");
    }

    /** The highest optimiser step in a run's metrics.jsonl (its step rows; 0 before the first). */
    private static int lastStep(Path metrics) throws java.io.IOException {
        if (!Files.exists(metrics)) {
            return 0;
        }
        int last = 0;
        for (String line : Files.readAllLines(metrics)) {
            if (!line.endsWith("}")) {
                continue; // a row still being written
            }
            var row = new ObjectMapper().readTree(line);
            if (row.path("type").asText().equals("step")) {
                last = Math.max(last, row.path("step").asInt());
            }
        }
        return last;
    }

    private void awaitWeightings(int expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + Patience.scaled(Duration.ofSeconds(20)).toMillis();
        long count = -1;
        while (System.currentTimeMillis() < deadline) {
            count = experiments.plugins().stream().filter(p -> p.kind().equals("weighting")).count();
            if (count == expected) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("weighting plugins: expected " + expected + ", still " + count);
    }
}
