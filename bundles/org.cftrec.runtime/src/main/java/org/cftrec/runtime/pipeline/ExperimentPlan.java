package org.cftrec.runtime.pipeline;

import org.cftrec.runtime.plugins.PluginKind;
import org.cftrec.api.data.DatasetSource;
import org.cftrec.api.eval.Evaluator;
import org.cftrec.api.model.BackboneLoader;
import org.cftrec.api.prompt.PromptTemplate;
import org.cftrec.api.reference.Reference;
import org.cftrec.api.spec.ExperimentSpec;
import org.cftrec.api.spec.ObjectiveSpec;
import org.cftrec.api.spec.PluginRef;
import org.cftrec.api.spec.SpecException;
import org.cftrec.api.train.Trainer;
import org.cftrec.api.weighting.WeightingSchedule;
import org.cftrec.runtime.plugins.PluginCatalog;
import org.cftrec.runtime.plugins.ResolvedPlugin;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A spec with every plugin resolved and bound once to its parameters: what a run executes. Building it is the
 * validation of a spec; all problems are reported together.
 */
public record ExperimentPlan(ExperimentSpec spec, ResolvedPlugin<DatasetSource> dataset,
                             ResolvedPlugin<PromptTemplate> prompt, ResolvedPlugin<BackboneLoader> backbone,
                             List<ResolvedPlugin<Evaluator>> evaluators, List<VariantPlan> variants,
                             List<ResolvedPlugin<Reference>> references) {

    /** One variant: its objective, weighting schedule and trainer. */
    public record VariantPlan(String name, ObjectiveSpec objective, ResolvedPlugin<WeightingSchedule> weighting,
                              ResolvedPlugin<Trainer> trainer) {
    }

    public static ExperimentPlan of(ExperimentSpec spec, PluginCatalog catalog) {
        List<String> problems = new ArrayList<>();
        var dataset = attempt(problems, () -> catalog.resolve(PluginKind.DATASET, spec.dataset(), "dataset"));
        var prompt = attempt(problems, () -> catalog.resolve(PluginKind.PROMPT, spec.prompt(), "prompt"));
        var backbone = attempt(problems, () -> catalog.resolve(PluginKind.BACKBONE, spec.backbone(), "backbone"));
        List<ResolvedPlugin<Evaluator>> evaluators = new ArrayList<>();
        List<PluginRef> protocols = spec.evaluation().protocols();
        for (int i = 0; i < protocols.size(); i++) {
            PluginRef ref = protocols.get(i);
            String path = "evaluation.protocols[" + i + "]";
            var evaluator = attempt(problems, () -> catalog.resolve(PluginKind.EVALUATOR, ref, path));
            evaluators.add(evaluator);
        }
        List<ResolvedPlugin<Reference>> references = new ArrayList<>();
        for (int i = 0; i < spec.references().size(); i++) {
            PluginRef ref = spec.references().get(i);
            String path = "references[" + i + "]";
            if (spec.references().subList(0, i).stream().anyMatch(r -> r.plugin().equals(ref.plugin()))) {
                problems.add(path + ": reference '" + ref.plugin() + "' is listed twice; each reference is reported"
                        + " under its plugin's name, so list each plugin once");
                continue;
            }
            references.add(attempt(problems, () -> catalog.resolve(PluginKind.REFERENCE, ref, path)));
        }
        List<VariantPlan> variants = new ArrayList<>();
        List<ExperimentSpec.Variant> resolved = spec.resolvedVariants();
        for (int i = 0; i < resolved.size(); i++) {
            ExperimentSpec.Variant v = resolved.get(i);
            boolean ownWeighting = spec.variants().get(i).weighting() != null;
            boolean ownTrainer = spec.variants().get(i).trainer() != null;
            String at = "variants[" + i + "].";
            var weighting = attempt(problems, () -> catalog.resolve(PluginKind.WEIGHTING, v.weighting(),
                    ownWeighting ? at + "weighting" : "weighting"));
            var trainer = attempt(problems, () -> catalog.resolve(PluginKind.TRAINER, v.trainer(),
                    ownTrainer ? at + "trainer" : "trainer"));
            variants.add(new VariantPlan(v.name(), v.objective(), weighting, trainer));
        }
        if (!problems.isEmpty()) {
            throw new SpecException(String.join("\n", problems.stream().distinct().toList()));
        }
        return new ExperimentPlan(spec, dataset, prompt, backbone, List.copyOf(evaluators), List.copyOf(variants),
                List.copyOf(references));
    }

    /** Every plugin the plan uses. */
    public List<ResolvedPlugin<?>> plugins() {
        List<ResolvedPlugin<?>> all = new ArrayList<>(List.of(dataset, prompt, backbone));
        all.addAll(evaluators);
        all.addAll(references);
        for (VariantPlan variant : variants) {
            all.add(variant.weighting());
            all.add(variant.trainer());
        }
        return all;
    }

    /** Plugins of this plan whose component has gone away since the run started. */
    public List<ResolvedPlugin<?>> unavailable() {
        List<ResolvedPlugin<?>> gone = new ArrayList<>();
        for (ResolvedPlugin<?> plugin : plugins()) {
            if (!plugin.available()) {
                gone.add(plugin);
            }
        }
        return gone;
    }

    private static <T> T attempt(List<String> problems, Supplier<T> step) {
        try {
            return step.get();
        } catch (SpecException e) {
            problems.add(e.getMessage());
            return null;
        }
    }
}
