package org.cftrec.api.model;

import org.cftrec.api.PluginContext;

import java.util.List;
import java.util.Objects;

/**
 * What the runtime asks of a backbone provider.
 *
 * @param device  the trainer's device, e.g. {@code cpu} or {@code gpu0} (DJL device names)
 * @param corpus  every text the run will tokenize (prompts and targets); presets that build their own
 *                vocabulary read it, providers that load a checkpoint ignore it
 * @param context seed and folders of the run
 */
public record BackboneRequest(String device, List<String> corpus, PluginContext context) {
    public BackboneRequest {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(context, "context");
        corpus = List.copyOf(corpus);
    }
}
