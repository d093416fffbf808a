package org.cftrec.runtime.plugins;

import org.cftrec.api.Plugin;
import org.cftrec.api.data.DatasetProvider;
import org.cftrec.api.eval.Evaluator;
import org.cftrec.api.model.BackboneProvider;
import org.cftrec.api.prompt.PromptTemplate;
import org.cftrec.api.train.TrainerProvider;
import org.cftrec.api.weighting.WeightingSchedule;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The kinds of plugins, each identified by the service interface its components register under. The one list
 * of kinds: the catalog, the console and spec resolution all iterate it. It lives in the runtime, not the API,
 * so that each kind's package depends only on {@link Plugin} and a plugin bundle imports only its own kind.
 */
public enum PluginKind {
    DATASET(DatasetProvider.class),
    PROMPT(PromptTemplate.class),
    BACKBONE(BackboneProvider.class),
    WEIGHTING(WeightingSchedule.class),
    TRAINER(TrainerProvider.class),
    EVALUATOR(Evaluator.class);

    private final Class<?> serviceType;

    PluginKind(Class<?> serviceType) {
        this.serviceType = serviceType;
    }

    /** The interface components of this kind are registered under. */
    public Class<?> serviceType() {
        return serviceType;
    }

    /** The lower-case name used in specs and on the console, e.g. {@code weighting}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a label; the error lists the valid ones. */
    public static PluginKind fromLabel(String label) {
        for (PluginKind kind : values()) {
            if (kind.label().equals(label)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown plugin kind '" + label + "'; valid kinds: "
                + Arrays.stream(values()).map(PluginKind::label).collect(Collectors.joining(", ")));
    }
}
