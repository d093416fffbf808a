package org.cftrec.api.spec;

import java.util.regex.Pattern;

/**
 * A variant of the experiment: trained and evaluated like the others, with some parts overridden.
 * Null fields inherit the experiment's top-level value. Example: {@code sft} with alpha 0 and uniform
 * weights next to {@code cft}.
 */
public record VariantSpec(String name, ObjectiveSpec objective, PluginRef weighting, PluginRef trainer) {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    public VariantSpec {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("variant name must match " + NAME.pattern() + ", got " + name);
        }
    }
}
