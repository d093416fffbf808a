package org.cftrec.runtime.spec;

import org.cftrec.api.spec.HistoryMode;
import org.cftrec.api.spec.ItemsSpec;
import org.cftrec.api.spec.ExperimentSpec;
import org.cftrec.api.spec.SpecException;
import org.cftrec.api.spec.WeightScope;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

public class SpecJsonTest {
    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void minimalSpecGetsTheDocumentedDefaults() {
        ExperimentSpec spec = SpecJson.parse("{\"name\": \"demo\"}", "test");
        assertEquals(42L, (long) spec.seed());
        assertEquals("synthetic", spec.dataset().plugin());
        assertEquals("alpaca", spec.prompt().plugin());
        assertEquals("llama", spec.backbone().plugin());
        assertEquals("linear", spec.weighting().plugin());
        assertEquals("cpu", spec.trainer().plugin());
        assertEquals(0.1, spec.objective().alpha(), 0);
        assertEquals(WeightScope.BOTH, spec.objective().weightScope());
        assertEquals(List.of(1, 3, 5, 10, 20), spec.evaluation().ks());
        assertEquals(List.of(HistoryMode.FACTUAL, HistoryMode.REMOVED, HistoryMode.SHUFFLED),
                spec.evaluation().historyModes());
        assertEquals(List.of("cft"), spec.resolvedVariants().stream().map(ExperimentSpec.Variant::name).toList());
    }

    @Test
    public void variantsInheritWhatTheyDoNotOverride() {
        ExperimentSpec spec = SpecJson.parse("{\"name\": \"x\", \"objective\": {\"alpha\": 0.2},"
                + " \"variants\": [{\"name\": \"sft\", \"objective\": {\"alpha\": 0},"
                + " \"weighting\": {\"plugin\": \"uniform\"}}, {\"name\": \"cft\"}]}", "test");
        List<ExperimentSpec.Variant> variants = spec.resolvedVariants();
        assertEquals(0.0, variants.get(0).objective().alpha(), 0);
        assertEquals("uniform", variants.get(0).weighting().plugin());
        assertEquals(0.2, variants.get(1).objective().alpha(), 0);
        assertEquals("linear", variants.get(1).weighting().plugin());
    }

    @Test
    public void unknownFieldNamesFileLineFieldAndValidFields() throws Exception {
        Path file = folder.newFile("spec.json").toPath();
        Files.writeString(file, "{\n  \"name\": \"x\",\n  \"objective\": {\"alpah\": 0.1}\n}\n");
        SpecException e = assertThrows(SpecException.class, () -> SpecJson.read(file));
        assertEquals(file + ": line 3, column 30: objective.alpah: unknown field 'alpah'; valid fields: alpha, branches, history, weightScope",
                e.getMessage());
    }

    @Test
    public void invalidEnumValueListsTheValidOnes() {
        SpecException e = assertThrows(SpecException.class, () -> SpecJson.parse(
                "{\"name\": \"x\", \"objective\": {\"weightScope\": \"all\"}}", "s.json"));
        assertTrue(e.getMessage(), e.getMessage().endsWith(
                "objective.weightScope: invalid value 'all'; valid values: both, counterfactual-only"));
    }

    @Test
    public void itemsAreTitlesUnlessTheSpecAsksForCodes() {
        assertEquals(ItemsSpec.Representation.TITLE, SpecJson.parse("{\"name\": \"x\"}", "s.json").items().representation());
        ExperimentSpec spec = SpecJson.parse("{\"name\": \"x\", \"items\": {\"representation\": \"semantic-id\","
                + " \"levels\": 2}}", "s.json");
        assertEquals(ItemsSpec.Representation.SEMANTIC_ID, spec.items().representation());
        assertEquals(2, (int) spec.items().levels());
        assertEquals(32, (int) spec.items().codes());
        assertEquals("a seed study keeps the representation", spec.items(), spec.withSeed(7).items());
        SpecException e = assertThrows(SpecException.class, () -> SpecJson.parse(
                "{\"name\": \"x\", \"items\": {\"representation\": \"codes\"}}", "s.json"));
        assertTrue(e.getMessage(), e.getMessage().endsWith(
                "items.representation: invalid value 'codes'; valid values: title, token, semantic-id"));
    }

    @Test
    public void constraintViolationsInRecordsNameTheField() {
        SpecException e = assertThrows(SpecException.class, () -> SpecJson.parse(
                "{\"name\": \"x\", \"objective\": {\"alpha\": -1}}", "s.json"));
        assertTrue(e.getMessage(), e.getMessage().endsWith("objective: alpha must be a finite number >= 0, got -1.0"));
        SpecException missingName = assertThrows(SpecException.class, () -> SpecJson.parse("{}", "s.json"));
        assertTrue(missingName.getMessage(), missingName.getMessage().contains("name is required"));
    }

    @Test
    public void everyShippedSpecParses() throws Exception {
        Path specs = Path.of("../../distribution/src/main/resources/assembly/specs");
        List<Path> files;
        try (var listing = Files.list(specs)) {
            files = listing.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        assertTrue("specs in " + specs.toAbsolutePath(), files.size() >= 10);
        List<String> refused = new java.util.ArrayList<>(); // the strict binding: unknown fields, bad values
        for (Path file : files) {
            try {
                SpecJson.read(file);
            } catch (SpecException e) {
                refused.add(e.getMessage());
            }
        }
        assertEquals(List.of(), refused);
    }

    @Test
    public void trainingWithoutHistoriesIsAPriorAndOnlyWithoutTheCounterfactualLoss() {
        ExperimentSpec spec = SpecJson.parse("{\"name\": \"x\", \"variants\": [{\"name\": \"prior\","
                + " \"objective\": {\"alpha\": 0, \"history\": \"removed\"}}, {\"name\": \"sft\"}]}", "s.json");
        assertEquals(HistoryMode.REMOVED, spec.resolvedVariants().get(0).objective().history());
        assertEquals(HistoryMode.FACTUAL, spec.resolvedVariants().get(1).objective().history());
        SpecException withLc = assertThrows(SpecException.class, () -> SpecJson.parse(
                "{\"name\": \"x\", \"objective\": {\"history\": \"removed\"}}", "s.json"));
        assertTrue(withLc.getMessage(), withLc.getMessage().contains("objective: history removed trains on the"
                + " counterfactual prompt alone, where the counterfactual loss is 0 by construction; set alpha 0 (got 0.1)"));
        SpecException shuffled = assertThrows(SpecException.class, () -> SpecJson.parse(
                "{\"name\": \"x\", \"objective\": {\"alpha\": 0, \"history\": \"shuffled\"}}", "s.json"));
        assertTrue(shuffled.getMessage(), shuffled.getMessage().contains("use factual or removed"));
    }

    @Test
    public void protocolLimitsNarrowOneProtocolOnly() {
        ExperimentSpec spec = SpecJson.parse("{\"name\": \"x\", \"evaluation\": {\"protocols\": [{\"plugin\": \"d3\"},"
                + " {\"plugin\": \"exact\"}], \"maxCases\": 200,"
                + " \"protocolLimits\": {\"exact\": {\"maxCases\": 50, \"historyModes\": [\"factual\"]}}}}", "s.json");
        assertEquals(200, spec.evaluation().maxCases("d3"));
        assertEquals(3, spec.evaluation().historyModes("d3").size());
        assertEquals(50, spec.evaluation().maxCases("exact"));
        assertEquals(java.util.List.of(org.cftrec.api.spec.HistoryMode.FACTUAL), spec.evaluation().historyModes("exact"));
        assertEquals(7L, (long) spec.withSeed(7).seed());
        assertEquals(spec.evaluation(), spec.withSeed(7).evaluation());
    }

    @Test
    public void protocolLimitsForAProtocolNotRunAreRejected() {
        SpecException e = assertThrows(SpecException.class, () -> SpecJson.parse(
                "{\"name\": \"x\", \"evaluation\": {\"protocolLimits\": {\"exact\": {\"maxCases\": 5}}}}", "s.json"));
        assertTrue(e.getMessage(), e.getMessage().contains("evaluation") && e.getMessage().contains("'exact'")
                && e.getMessage().contains("[d3]"));
    }

    @Test
    public void wrongTypeSaysWhatWasExpected() {
        SpecException e = assertThrows(SpecException.class, () -> SpecJson.parse(
                "{\"name\": \"x\", \"evaluation\": {\"ks\": 10}}", "s.json"));
        assertTrue(e.getMessage(), e.getMessage().contains("evaluation.ks: expected a list"));
    }

    @Test
    public void missingFileIsNamed() {
        Path missing = folder.getRoot().toPath().resolve("nope.json");
        assertEquals(missing + ": spec file not found",
                assertThrows(SpecException.class, () -> SpecJson.read(missing)).getMessage());
    }

    /** A plugin parameter record as plugin authors write them. */
    public record Params(Double beta) {
        public Params {
            beta = beta == null ? 0.25 : beta;
            if (beta <= 0) {
                throw new IllegalArgumentException("beta must be > 0, got " + beta);
            }
        }
    }

    @Test
    public void pluginParametersBindWithDefaultsAndPreciseErrors() throws Exception {
        var mapper = SpecJson.MAPPER;
        assertEquals(0.25, SpecJson.bind(mapper.readTree("{}"), Params.class, "weighting.params").beta(), 0);
        assertEquals("weighting.params: beta must be > 0, got -2.0", assertThrows(SpecException.class,
                () -> SpecJson.bind(mapper.readTree("{\"beta\": -2}"), Params.class, "weighting.params")).getMessage());
        assertEquals("weighting.params.gamma: unknown field 'gamma'; valid fields: beta", assertThrows(
                SpecException.class, () -> SpecJson.bind(mapper.readTree("{\"gamma\": 1}"), Params.class,
                        "weighting.params")).getMessage());
    }

    @Test
    public void theReadmeSpecExampleWithItsCommentsParses() throws Exception {
        String readme = Files.readString(Path.of("../../README.md"));
        int start = readme.indexOf("```json\n") + "```json\n".length();
        String example = readme.substring(start, readme.indexOf("```", start));
        assertTrue(example, example.contains("//"));
        ExperimentSpec spec = SpecJson.parse(example, "README.md");
        assertEquals("ml100k-cft", spec.name());
        assertEquals(2, spec.variants().size());
        int yamlStart = readme.indexOf("```yaml\n") + "```yaml\n".length();
        Path yaml = folder.newFile("readme.yaml").toPath();
        Files.writeString(yaml, readme.substring(yamlStart, readme.indexOf("```", yamlStart)));
        ExperimentSpec fromYaml = SpecJson.read(yaml);
        assertEquals(spec.name(), fromYaml.name());
        assertEquals(spec.seed(), fromYaml.seed());
        assertEquals(spec.weighting(), fromYaml.weighting());
        assertEquals(spec.objective(), fromYaml.objective());
        assertEquals(spec.variants(), fromYaml.variants());
        SpecException e = assertThrows(SpecException.class, () -> SpecJson.parse("{\n  // no name\n  \"seed\": 1\n}", "c.json"));
        assertTrue(e.getMessage(), e.getMessage().startsWith("c.json: "));
    }

    @Test
    public void yamlSpecWithCommentsBindsLikeTheJsonOne() throws Exception {
        Path yaml = folder.newFile("spec.yaml").toPath();
        Files.writeString(yaml, """
                # RecBole users write their configs in YAML
                name: x
                seed: 7   # one seed
                objective:
                  alpha: 0.2
                variants:
                  - name: sft
                    objective: {alpha: 0}
                    weighting: {plugin: uniform}
                  - name: cft
                """);
        Path json = folder.newFile("spec.json").toPath();
        Files.writeString(json, """
                {"name": "x", "seed": 7, "objective": {"alpha": 0.2}, // comments are allowed in JSON too
                 "variants": [{"name": "sft", "objective": {"alpha": 0}, "weighting": {"plugin": "uniform"}},
                              {"name": "cft"}]}
                """);
        assertEquals(SpecJson.read(json), SpecJson.read(yaml));
        assertEquals(7L, (long) SpecJson.read(yaml).seed());
    }

    @Test
    public void yamlErrorsNameFileLineAndField() throws Exception {
        Path unknown = folder.newFile("unknown.yml").toPath();
        Files.writeString(unknown, "name: x\nobjective:\n  alpah: 0.1\n  alpha: 0.2\nseed: 1\n");
        SpecException e = assertThrows(SpecException.class, () -> SpecJson.read(unknown));
        // Jackson places an unknown field of a record where the enclosing object ends; the path names the field.
        assertEquals(unknown + ": line 5, column 1: objective.alpah: unknown field 'alpah'; valid fields: alpha,"
                + " branches, history, weightScope", e.getMessage());

        Path malformed = folder.newFile("malformed.yaml").toPath();
        Files.writeString(malformed, "name: x\nobjective:\n\talpha: 0.1\n"); // YAML forbids tabs as indentation
        e = assertThrows(SpecException.class, () -> SpecJson.read(malformed));
        assertEquals(malformed + ": line 3, column 1: found character '\\t(TAB)' that cannot start any token. (Do not use"
                + " \\t(TAB) for indentation)", e.getMessage());

        Path duplicate = folder.newFile("duplicate.yaml").toPath();
        Files.writeString(duplicate, "name: x\nseed: 1\nseed: 2\n");
        e = assertThrows(SpecException.class, () -> SpecJson.read(duplicate));
        assertEquals(duplicate + ": line 3, column 5: Duplicate field 'seed'", e.getMessage());
    }
}
