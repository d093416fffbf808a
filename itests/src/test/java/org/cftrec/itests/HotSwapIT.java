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
        RunInfo stopped = experiments.await(run.id(), Duration.ofMinutes(2));
        assertEquals(stopped.message(), RunStatus.INTERRUPTED, stopped.status());
        assertTrue(stopped.message(), stopped.message().contains("plugin went away: weighting 'linear'"));
        assertTrue(Files.isDirectory(stopped.directory().resolve("variants/cft/checkpoints/last")));

        weighting.start();
        RunInfo resumed = experiments.await(experiments.resume(run.id()).id(), Duration.ofMinutes(5));
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
    }

    private String jarLocation(Bundle bundle) {
        // Installed from the distribution's system/ repository: resolve the mvn: location to that file.
        Path system = Paths.get(System.getProperty("karaf.home"), "system", "org", "cftrec", WEIGHTING,
                bundle.getVersion().toString());
        return system.resolve(WEIGHTING + "-" + bundle.getVersion() + ".jar").toUri().toString();
    }

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError("bundle " + symbolicName + " not installed"));
    }

    private void awaitTrainingStep(String id, int step) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            RunInfo info = experiments.run(id).orElseThrow();
            assertTrue("run ended early: " + info, !info.status().finished());
            String message = info.message();
            int at = message.indexOf(" step ");
            if (at >= 0) {
                int current = Integer.parseInt(message.substring(at + 6, message.indexOf('/', at)));
                if (current >= step) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("training did not reach step " + step);
    }

    private void awaitWeightings(int expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
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
