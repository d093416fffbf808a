package org.cftrec.runtime.plugins;

import org.cftrec.api.Plugin;
import org.cftrec.api.data.DatasetPlugin;
import org.cftrec.api.data.DatasetSource;
import org.cftrec.api.eval.Evaluator;
import org.cftrec.api.eval.EvaluatorPlugin;
import org.cftrec.api.model.BackboneLoader;
import org.cftrec.api.model.BackbonePlugin;
import org.cftrec.api.prompt.PromptPlugin;
import org.cftrec.api.prompt.PromptTemplate;
import org.cftrec.api.reference.Reference;
import org.cftrec.api.reference.ReferencePlugin;
import org.cftrec.api.train.Trainer;
import org.cftrec.api.train.TrainerPlugin;
import org.cftrec.api.weighting.WeightingPlugin;
import org.cftrec.api.weighting.WeightingSchedule;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A kind of plugin: the service interface its components register under and the type of the instance they bind.
 * {@link #values()} is the one list of kinds: the catalog, the console and spec resolution all iterate it, so a
 * new kind is one constant here. It lives in the runtime, not the API, so that each kind's package depends only
 * on {@link Plugin} and a plugin bundle imports only its own kind.
 *
 * @param <I> the bound instance, e.g. {@link WeightingSchedule}
 */
public final class PluginKind<I> {
    public static final PluginKind<DatasetSource> DATASET =
            new PluginKind<>("dataset", DatasetPlugin.class, DatasetSource.class);
    public static final PluginKind<PromptTemplate> PROMPT =
            new PluginKind<>("prompt", PromptPlugin.class, PromptTemplate.class);
    public static final PluginKind<BackboneLoader> BACKBONE =
            new PluginKind<>("backbone", BackbonePlugin.class, BackboneLoader.class);
    public static final PluginKind<WeightingSchedule> WEIGHTING =
            new PluginKind<>("weighting", WeightingPlugin.class, WeightingSchedule.class);
    public static final PluginKind<Trainer> TRAINER =
            new PluginKind<>("trainer", TrainerPlugin.class, Trainer.class);
    public static final PluginKind<Evaluator> EVALUATOR =
            new PluginKind<>("evaluator", EvaluatorPlugin.class, Evaluator.class);

    public static final PluginKind<Reference> REFERENCE =
            new PluginKind<>("reference", ReferencePlugin.class, Reference.class);

    private static final List<PluginKind<?>> VALUES =
            List.of(DATASET, PROMPT, BACKBONE, WEIGHTING, TRAINER, EVALUATOR, REFERENCE);

    private final String label;
    private final Class<?> serviceType;
    private final Class<I> instanceType;

    private PluginKind(String label, Class<?> serviceType, Class<I> instanceType) {
        this.label = label;
        this.serviceType = serviceType;
        this.instanceType = instanceType;
    }

    /** Every kind, in the order listings show them. */
    public static List<PluginKind<?>> values() {
        return VALUES;
    }

    /** The interface components of this kind are registered under. */
    public Class<?> serviceType() {
        return serviceType;
    }

    /** What a plugin of this kind binds its parameters into. */
    public Class<I> instanceType() {
        return instanceType;
    }

    /** The lower-case name used in specs and on the console, e.g. {@code weighting}. */
    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }

    /** Parses a label; the error lists the valid ones. */
    public static PluginKind<?> fromLabel(String label) {
        for (PluginKind<?> kind : VALUES) {
            if (kind.label.equals(label)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown plugin kind '" + label + "'; valid kinds: "
                + VALUES.stream().map(PluginKind::label).collect(Collectors.joining(", ")));
    }
}
