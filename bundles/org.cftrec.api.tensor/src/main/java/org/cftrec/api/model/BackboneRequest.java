package org.cftrec.api.model;

import org.cftrec.api.PluginContext;

import java.util.List;
import java.util.Objects;

/**
 * What the runtime asks of a backbone provider.
 *
 * @param device     the trainer's device, e.g. {@code cpu} or {@code gpu0} (DJL device names)
 * @param corpus     every text the run will tokenize (prompts and targets); presets that build their own
 *                   vocabulary read it, providers that load a checkpoint ignore it
 * @param itemTokens the words item identifiers are made of when items are codes (semantic-ID codes such as
 *                   {@code a3}, or one word per item), empty when items are titles; a provider whose tokenizer would
 *                   split them adds each as one new token (with a new embedding row), as generative recommenders
 *                   (TIGER, LC-Rec) do
 * @param context    seed and folders of the run
 * @since 1.1.0 (itemTokens)
 */
public record BackboneRequest(String device, List<String> corpus, List<String> itemTokens, PluginContext context) {
    public BackboneRequest {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(context, "context");
        corpus = List.copyOf(corpus);
        itemTokens = itemTokens == null ? List.of() : List.copyOf(itemTokens);
    }

    /** Items as titles: no item tokens (the 1.0 constructor). */
    public BackboneRequest(String device, List<String> corpus, PluginContext context) {
        this(device, corpus, List.of(), context);
    }
}
