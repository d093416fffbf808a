package org.cftrec.api.spec;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One experiment: what to load, which model to train how, and how to evaluate it. Every field but
 * {@code name} has a default, so that the smallest spec runs the embedded demo.
 *
 * @param name       run name: letters, digits, '-', '_', '.'
 * @param seed       seed of everything random; default 42
 * @param dataset    default {@code synthetic}
 * @param prompt     default {@code alpaca}
 * @param backbone   default {@code llama} (its own default is the tiny preset)
 * @param weighting  default {@code linear} (beta 0.25)
 * @param objective  default alpha 0.1, weight scope both
 * @param trainer    default {@code cpu}
 * @param evaluation default d3, K in 1, 3, 5, 10, 20, all three history modes
 * @param variants   default: one variant {@code cft} with the top-level settings
 * @param items      how items appear in prompts and targets; default titles
 * @param references reference recommenders (plugin kind {@code reference}, e.g. {@code sasrec}) trained and
 *                   scored beside the variants; default none (popularity and item-kNN are always reported)
 */
public record ExperimentSpec(String name, Long seed, PluginRef dataset, PluginRef prompt, PluginRef backbone,
                             PluginRef weighting, ObjectiveSpec objective, PluginRef trainer,
                             EvaluationSpec evaluation, List<VariantSpec> variants, ItemsSpec items,
                             List<PluginRef> references) {
    public static final long DEFAULT_SEED = 42L;

    public ExperimentSpec {
        if (name == null || !VariantSpec.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name is required and must match " + VariantSpec.NAME.pattern()
                    + ", got " + name);
        }
        seed = seed == null ? DEFAULT_SEED : seed;
        dataset = dataset == null ? PluginRef.of("synthetic") : dataset;
        prompt = prompt == null ? PluginRef.of("alpaca") : prompt;
        backbone = backbone == null ? PluginRef.of("llama") : backbone;
        weighting = weighting == null ? PluginRef.of("linear") : weighting;
        objective = objective == null ? ObjectiveSpec.defaults() : objective;
        trainer = trainer == null ? PluginRef.of("cpu") : trainer;
        evaluation = evaluation == null ? EvaluationSpec.defaults() : evaluation;
        variants = variants == null || variants.isEmpty()
                ? List.of(new VariantSpec("cft", null, null, null)) : List.copyOf(variants);
        items = items == null ? ItemsSpec.defaults() : items;
        references = references == null ? List.of() : List.copyOf(references);
        Set<String> names = new HashSet<>();
        for (VariantSpec variant : variants) {
            if (!names.add(variant.name())) {
                throw new IllegalArgumentException("variant names must be unique, '" + variant.name() + "' repeats");
            }
        }
    }

    /** A spec without references (the constructor of API 1.1, kept for its callers). */
    public ExperimentSpec(String name, Long seed, PluginRef dataset, PluginRef prompt, PluginRef backbone,
                          PluginRef weighting, ObjectiveSpec objective, PluginRef trainer, EvaluationSpec evaluation,
                          List<VariantSpec> variants, ItemsSpec items) {
        this(name, seed, dataset, prompt, backbone, weighting, objective, trainer, evaluation, variants, items, null);
    }

    /** A spec with items as titles (the constructor of API 1.0, kept for its callers). */
    public ExperimentSpec(String name, Long seed, PluginRef dataset, PluginRef prompt, PluginRef backbone,
                          PluginRef weighting, ObjectiveSpec objective, PluginRef trainer, EvaluationSpec evaluation,
                          List<VariantSpec> variants) {
        this(name, seed, dataset, prompt, backbone, weighting, objective, trainer, evaluation, variants, null, null);
    }

    /** This spec with another seed (repeating an experiment over seeds). */
    public ExperimentSpec withSeed(long otherSeed) {
        return new ExperimentSpec(name, otherSeed, dataset, prompt, backbone, weighting, objective, trainer, evaluation,
                variants, items, references);
    }

    /** The variants with inherited fields filled in from the top level. */
    public List<Variant> resolvedVariants() {
        return variants.stream().map(v -> new Variant(v.name(),
                v.objective() != null ? v.objective() : objective,
                v.weighting() != null ? v.weighting() : weighting,
                v.trainer() != null ? v.trainer() : trainer)).toList();
    }

    /** A variant with nothing left to inherit. */
    public record Variant(String name, ObjectiveSpec objective, PluginRef weighting, PluginRef trainer) {
    }
}
