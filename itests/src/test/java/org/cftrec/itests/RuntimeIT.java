package org.cftrec.itests;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.cftrec.api.run.ExperimentService;
import org.cftrec.api.run.ParameterInfo;
import org.cftrec.api.run.PluginInfo;
import org.cftrec.api.run.RunInfo;
import org.cftrec.api.run.RunStatus;
import org.cftrec.api.spec.ExperimentSpec;
import org.cftrec.api.spec.PluginRef;
import org.cftrec.api.spec.SpecException;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWiring;

import javax.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

/**
 * The packaged runtime, booted from the distribution tarball: bundles, framework, DJL, plugin discovery,
 * spec validation and plugins coming and going without a restart. One class, one container (8-12 s).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RuntimeIT {
    private static final String WEIGHTING_BUNDLE = "org.cftrec.weighting.standard";

    @Inject
    private BundleContext context;

    @Inject
    private ExperimentService experiments;

    @Inject
    private SessionFactory sessions;

    @Configuration
    public Option[] config() {
        // The README sits beside the build, outside the container: its path is handed in.
        return KarafOptions.distribution(systemProperty(README).value(System.getProperty(README)),
                systemProperty(SPEC_CORPUS).value(System.getProperty(SPEC_CORPUS)));
    }

    private static final String README = "cftrec.readme";
    private static final String SPEC_CORPUS = "cftrec.specCorpus";

    @Test
    public void pluginsWithoutTensorsAreWiredWithoutTheDjlPlatform() {
        // The API bundle without tensors, and the dataset, prompt and weighting plugins built on it alone, resolve
        // without a single package from the DJL platform bundle: their features need not install it.
        for (String name : List.of("org.cftrec.api", WEIGHTING_BUNDLE, "org.cftrec.prompt.alpaca",
                "org.cftrec.dataset.synthetic", "org.cftrec.dataset.movielens")) {
            Bundle bundle = Arrays.stream(context.getBundles()).filter(b -> b.getSymbolicName().equals(name))
                    .findFirst().orElseThrow(() -> new AssertionError(name + " is not installed"));
            List<String> providers = bundle.adapt(BundleWiring.class).getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)
                    .stream().map(w -> w.getProvider().getBundle().getSymbolicName()).distinct().sorted().toList();
            assertFalse(name + " imports from " + providers, providers.contains("org.cftrec.djl")
                    || providers.contains("org.cftrec.api.tensor"));
            assertTrue(name + " imports from " + providers, name.equals("org.cftrec.api")
                    || providers.contains("org.cftrec.api"));
        }
    }

    @Test
    public void theReadmeDocumentsEveryParameterOfEveryPlugin() throws Exception {
        // The plugin table of the README is written by hand; the plugins describe their own parameters. Each
        // row must name every parameter the plugin declares (nested ones, e.g. lora.rank, by their last part).
        List<String> rows = Files.readAllLines(Path.of(System.getProperty(README))).stream()
                .filter(line -> line.startsWith("| dataset ") || line.startsWith("| prompt ")
                        || line.startsWith("| backbone ") || line.startsWith("| weighting ")
                        || line.startsWith("| trainer ") || line.startsWith("| evaluator ")
                        || line.startsWith("| reference ")).toList();
        List<String> missing = new ArrayList<>();
        for (PluginInfo plugin : experiments.plugins()) {
            String row = rows.stream().filter(r -> r.substring(0, r.indexOf(" |", 1)).startsWith("| " + plugin.kind())
                    && r.substring(0, r.indexOf(" |", 1)).contains("`" + plugin.name() + "`")).findFirst().orElse(null);
            if (row == null) {
                missing.add(plugin.kind() + " '" + plugin.name() + "': no row");
                continue;
            }
            for (ParameterInfo parameter : plugin.parameters()) {
                String name = parameter.name().substring(parameter.name().lastIndexOf('.') + 1);
                if (!row.contains("`" + name + "`")) {
                    missing.add(plugin.kind() + " '" + plugin.name() + "': " + parameter.name());
                }
            }
        }
        assertEquals("README.md, 'Plugin parameters': not documented", List.of(), missing);
    }

    @Test
    public void everyCftrecBundleIsActiveOnFelix() {
        List<Bundle> ours = Arrays.stream(context.getBundles())
                .filter(b -> b.getSymbolicName().startsWith("org.cftrec.")).toList();
        assertTrue("expected the platform, api, runtime and weighting bundles, got " + ours, ours.size() >= 4);
        for (Bundle bundle : ours) {
            assertEquals(bundle.getSymbolicName() + " state", Bundle.ACTIVE, bundle.getState());
        }
        assertEquals("felix", context.getProperty("karaf.framework"));
        assertEquals("org.apache.felix.framework", context.getBundle(0).getSymbolicName());
    }

    @Test
    public void djlComputesAndDifferentiatesInsideTheContainer() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(new float[] {1f, 2f, 3f});
            assertEquals(14f, x.dot(x).getFloat(), 0f);
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(x.mul(x).sum());
            }
            assertArrayEquals(new float[] {2f, 4f, 6f}, x.getGradient().toFloatArray(), 0f);
        }
        assertEquals("PyTorch", Engine.getInstance().getEngineName());
    }

    @Test
    public void runtimeListsInstalledPluginsWithTheirBundle() {
        List<PluginInfo> weightings = experiments.plugins().stream().filter(p -> p.kind().equals("weighting"))
                .toList();
        assertEquals(List.of("exponential", "inverse", "linear", "step", "uniform"),
                weightings.stream().map(PluginInfo::name).toList());
        assertTrue(weightings.stream().allMatch(p -> p.bundle().equals(WEIGHTING_BUNDLE) && p.version().equals("0.1.0")));
    }

    @Test
    public void unknownPluginNameIsRejectedWithTheInstalledNames() {
        ExperimentSpec spec = new ExperimentSpec("bad", null, null, null, null, PluginRef.of("cubic"), null, null,
                null, null);
        try {
            experiments.validate(spec);
            fail("a spec naming an unknown weighting must be rejected");
        } catch (SpecException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(
                    "weighting.plugin: unknown weighting plugin 'cubic'; installed: exponential, inverse, linear, step, uniform"));
        }
    }

    @Test
    public void badPluginParametersAreRejectedByThePluginsOwnRecord() {
        ExperimentSpec spec = new ExperimentSpec("bad", null, null, null, null,
                new PluginRef("linear", new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                        .put("beta", 1.5)), null, null, null, null);
        try {
            experiments.validate(spec);
            fail("beta 1.5 is outside (0, 1]");
        } catch (SpecException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("weighting.params: beta must be in (0, 1], got 1.5"));
        }
    }

    @Test
    public void pluginsComeAndGoWithTheirBundleWithoutRestart() throws Exception {
        Bundle weighting = Arrays.stream(context.getBundles())
                .filter(b -> b.getSymbolicName().equals(WEIGHTING_BUNDLE)).findFirst().orElseThrow();
        String location = weighting.getLocation();
        weighting.uninstall();
        awaitWeightingCount(0);
        Bundle again = context.installBundle(location);
        again.start();
        awaitWeightingCount(5);
        assertEquals(Bundle.ACTIVE, again.getState());
    }

    @Test
    public void consoleCommandsAnswer() throws Exception {
        String out = execute("cftrec:plugins --kind weighting");
        assertTrue(out, out.contains("linear") && out.contains(WEIGHTING_BUNDLE));
        String runs = execute("cftrec:runs");
        assertTrue(runs, runs.startsWith("ID"));
    }

    /** The synthetic dataset of the end-to-end specs: 12 users, 20 items, histories of 4-5. */
    private static final String SMALL_DATASET = " \"dataset\": {\"plugin\": \"synthetic\", \"params\": {\"users\": 12,"
            + " \"items\": 20, \"genres\": 2, \"minLength\": 4, \"maxLength\": 5}},";

    /** Runs a spec given as JSON and asserts it SUCCEEDED within 3 minutes. */
    private RunInfo runToSuccess(String json) throws Exception {
        ExperimentSpec spec = new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, ExperimentSpec.class);
        RunInfo run = Patience.awaitEnd(experiments, experiments.start(spec).id(), java.time.Duration.ofMinutes(3));
        assertEquals(run.message(), RunStatus.SUCCEEDED, run.status());
        return run;
    }

    @Test
    public void oneRuntimeSurvivesTheGeneratedBadSpecCorpus() throws Exception {
        java.nio.file.Path folder = java.nio.file.Path.of(System.getProperty(SPEC_CORPUS));
        org.junit.Assume.assumeTrue("the sample is written by the runtime's SpecCorpusTest (mvn verify runs it"
                + " first); not found at " + folder, java.nio.file.Files.isDirectory(folder));
        List<java.nio.file.Path> files;
        try (var list = java.nio.file.Files.list(folder)) {
            files = list.sorted().toList();
        }
        assertTrue(files.size() + " cases", files.size() >= 200);
        List<String> escaped = new java.util.ArrayList<>();
        int refused = 0;
        for (java.nio.file.Path file : files) {
            try {
                experiments.load(file); // parse, resolve every plugin, check data and backbone files
            } catch (SpecException e) {
                if (!e.getMessage().startsWith(file + ": ") && !e.getMessage().contains(file.getFileName().toString())) {
                    escaped.add("unnamed: " + e.getMessage());
                }
                refused++;
            } catch (IllegalArgumentException e) {
                refused++; // a plugin's own refusal of its parameters
            } catch (Throwable e) {
                escaped.add(file.getFileName() + ": " + e);
            }
        }
        System.out.printf("live runtime: %d bad-spec cases, %d refused, %d valid%n", files.size(), refused,
                files.size() - refused - escaped.size());
        assertEquals("escaped the runtime's checks", List.of(), escaped.subList(0, Math.min(10, escaped.size())));
        // still whole afterwards: every plugin listed, a good spec validates
        assertTrue(experiments.plugins().size() >= 10);
        experiments.validate(new com.fasterxml.jackson.databind.ObjectMapper().readValue("{\"name\": \"after\"}",
                ExperimentSpec.class));
    }

    @Test
    public void theRunsMessageNamesThePluginWhoseCodeFailed() throws Exception {
        // Inside the data root (the container's working folder): the check passes, the load meets a bad line.
        java.nio.file.Path data = java.nio.file.Files.createDirectories(java.nio.file.Path.of("failing-ml").toAbsolutePath());
        java.nio.file.Files.writeString(data.resolve("u.item"), "1|A (1995)|x||u|0\n2|B (1995)|x||u|0\n");
        java.nio.file.Files.writeString(data.resolve("u.data"), "7\t1\t4\t100\n7\t2\tfive\t200\n");
        ExperimentSpec spec = new com.fasterxml.jackson.databind.ObjectMapper().readValue("{\"name\": \"failing\","
                + " \"dataset\": {\"plugin\": \"movielens\", \"params\": {\"path\": \"failing-ml\"}}}", ExperimentSpec.class);
        RunInfo run = Patience.awaitEnd(experiments, experiments.start(spec).id(), java.time.Duration.ofMinutes(2));
        assertEquals(run.message(), RunStatus.FAILED, run.status());
        assertTrue(run.message(), run.message().startsWith("dataset 'movielens' (org.cftrec.dataset.movielens "));
        assertTrue(run.message(), run.message().endsWith("u.data:2: rating 'five' is not a number"));
    }

    @Test
    public void aSmallSpecRunsEndToEndThroughEveryStage() throws Exception {
        String json = "{\"name\": \"itest\", \"seed\": 3,"
                + SMALL_DATASET
                + " \"backbone\": {\"plugin\": \"llama\", \"params\": {\"layers\": 1, \"hidden\": 16, \"heads\": 2,"
                + "   \"intermediate\": 32}},"
                + " \"trainer\": {\"plugin\": \"cpu\", \"params\": {\"epochs\": 1, \"microBatch\": 8, \"accumulation\": 1}},"
                + " \"evaluation\": {\"protocols\": [{\"plugin\": \"d3\", \"params\": {\"beams\": 3}},"
                + "   {\"plugin\": \"exact\"}], \"maxCases\": 4},"
                + " \"variants\": [{\"name\": \"zero-shot\", \"trainer\": {\"plugin\": \"cpu\", \"params\": {\"epochs\": 0}}},"
                + "   {\"name\": \"sft\", \"objective\": {\"alpha\": 0},"
                + "   \"weighting\": {\"plugin\": \"uniform\"}}, {\"name\": \"cft\"},"
                + "   {\"name\": \"prior\", \"objective\": {\"alpha\": 0, \"history\": \"removed\"}}],"
                + " \"references\": [{\"plugin\": \"sasrec\", \"params\": {\"hidden\": 8, \"epochs\": 2}}]}";
        RunInfo run = runToSuccess(json);
        java.nio.file.Path dir = run.directory();
        var results = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("results.json").toFile());
        // The zero-shot baseline: evaluated like the others, nothing trained, no copy of the model written.
        var zeroShot = results.path("variants").path("zero-shot");
        assertEquals(0, zeroShot.path("training").path("steps").asInt(-1));
        assertEquals(4, zeroShot.path("evaluation").path("exact").path("factual").path("cases").asInt());
        assertTrue(!java.nio.file.Files.exists(dir.resolve("variants/zero-shot/model")));
        String exactRow = java.nio.file.Files.readAllLines(dir.resolve("variants/cft/predictions-exact-factual.jsonl")).get(0);
        assertTrue(exactRow, exactRow.contains("\"ranked_scores\":[-"));
        for (String variant : List.of("sft", "cft")) {
            for (String protocol : List.of("d3", "exact")) {
                var metrics = results.path("variants").path(variant).path("evaluation").path(protocol).path("factual");
                assertEquals(4, metrics.path("cases").asInt());
                double hr20 = metrics.path("HR@20").asDouble(-1);
                assertTrue(variant + "/" + protocol + " HR@20 = " + hr20, hr20 >= 0 && hr20 <= 1);
            }
            assertTrue(java.nio.file.Files.isRegularFile(dir.resolve("variants/" + variant + "/model/model.safetensors")));
        }
        String provenance = java.nio.file.Files.readString(dir.resolve("provenance.json"));
        assertTrue(provenance, provenance.contains("org.cftrec.backbone.llama") && provenance.contains("PyTorch"));
        String metricsRows = java.nio.file.Files.readString(dir.resolve("metrics.jsonl"));
        assertTrue(metricsRows.contains("\"type\":\"validation\""));
        assertTrue("rows carry their UTC time", metricsRows.matches("(?s)\\{\"variant\":\"[a-z-]+\",\"type\":\"[a-z]+\",\"time\":\"20\\d\\d-.*"));
        String report = java.nio.file.Files.readString(dir.resolve("report.html"));
        assertTrue(report.contains("data:image/png;base64,") && report.contains("<td>cft</td><td>exact</td>"));
        assertTrue(java.nio.file.Files.isRegularFile(dir.resolve("report/loss-factual.png")));
        assertTrue(report.contains("<td>zero-shot</td>"));
        // The reference plugin: trained and scored on the same 4 cases, beside popularity and item-kNN.
        List<String> references = new ArrayList<>();
        results.path("references").forEach(r -> references.add(r.path("name").asText()));
        assertTrue(references.toString(), references.containsAll(List.of("popularity", "item-knn", "sasrec")));
        assertEquals(4, java.nio.file.Files.readAllLines(dir.resolve("references/sasrec-ranks.jsonl")).size());
        assertTrue(report.contains("SASRec"));
        String log = java.nio.file.Files.readString(dir.resolve("run.log"));
        assertTrue(log.contains("reference sasrec: kept epoch"));
        assertTrue(log.contains("prior: training on the targets without their histories"));
        assertTrue(java.nio.file.Files.isRegularFile(dir.resolve("variants/prior/model/model.safetensors")));
    }

    @Test
    public void referencesAreResolvedLikeEveryPluginAndListedOnce() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        ExperimentSpec unknown = json.readValue("{\"name\": \"bad\", \"references\": [{\"plugin\": \"bert4rec\"}]}",
                ExperimentSpec.class);
        ExperimentSpec twice = json.readValue("{\"name\": \"bad\", \"references\": [{\"plugin\": \"sasrec\"},"
                + " {\"plugin\": \"sasrec\", \"params\": {\"hidden\": 32}}]}",
                ExperimentSpec.class);
        for (ExperimentSpec spec : List.of(unknown, twice)) {
            try {
                experiments.validate(spec);
                fail("must be rejected: " + spec.references());
            } catch (SpecException e) {
                assertTrue(e.getMessage(), e.getMessage().contains(spec == unknown
                        ? "references[0].plugin: unknown reference plugin 'bert4rec'; installed: sasrec"
                        : "references[1]: reference 'sasrec' is listed twice"));
            }
        }
    }

    @Test
    public void loraWithActivationCheckpointingTrainsAdaptersAndWritesThemInPeftLayout() throws Exception {
        String json = "{\"name\": \"itest-lora\", \"seed\": 4,"
                + SMALL_DATASET
                + " \"backbone\": {\"plugin\": \"llama\", \"params\": {\"layers\": 2, \"hidden\": 16, \"heads\": 2,"
                + "   \"intermediate\": 32, \"gradientCheckpointing\": true,"
                + "   \"lora\": {\"rank\": 2, \"alpha\": 4, \"targetModules\": [\"q_proj\", \"v_proj\", \"down_proj\"]}}},"
                + " \"trainer\": {\"plugin\": \"cpu\", \"params\": {\"epochs\": 1, \"microBatch\": 4, \"accumulation\": 1,"
                + "   \"lr\": 0.01, \"warmupSteps\": 0}},"
                + " \"evaluation\": {\"protocols\": [{\"plugin\": \"d3\", \"params\": {\"beams\": 3}}], \"maxCases\": 4},"
                + " \"variants\": [{\"name\": \"cft\"}]}";
        RunInfo run = runToSuccess(json);
        java.nio.file.Path model = run.directory().resolve("variants/cft/model");
        assertTrue(java.nio.file.Files.isRegularFile(model.resolve("model.safetensors")));
        String adapterConfig = java.nio.file.Files.readString(model.resolve("adapter/adapter_config.json"));
        assertTrue(adapterConfig, adapterConfig.contains("\"peft_type\" : \"LORA\"") && adapterConfig.contains("\"r\" : 2"));
        assertTrue(java.nio.file.Files.size(model.resolve("adapter/adapter_model.safetensors")) > 0);
        // Only the adapters were trained and checkpointed: 2 layers x 3 projections x (A, B).
        String checkpoint = new String(java.nio.file.Files.readAllBytes(run.directory()
                .resolve("variants/cft/checkpoints/last/weights.safetensors")), StandardCharsets.ISO_8859_1);
        assertTrue(checkpoint.contains("model.layers.1.mlp.down_proj.lora_B.weight"));
        assertTrue(!checkpoint.contains("model.embed_tokens.weight"));
    }

    private String execute(String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Session session = sessions.create(new ByteArrayInputStream(new byte[0]), out, out)) {
            session.execute(command);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private void awaitWeightingCount(int expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + Patience.scaled(java.time.Duration.ofSeconds(10)).toMillis();
        long count = -1;
        while (System.currentTimeMillis() < deadline) {
            count = experiments.plugins().stream().filter(p -> p.kind().equals("weighting")).count();
            if (count == expected) {
                return;
            }
            Thread.sleep(50);
        }
        assertFalse("weighting plugins: expected " + expected + ", still " + count, true);
    }
}
