package org.cftrec.reference.sasrec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.cftrec.api.PluginName;
import org.cftrec.api.reference.Reference;
import org.cftrec.api.reference.ReferencePlugin;
import org.osgi.service.component.annotations.Component;

/**
 * The SASRec reference: a self-attentive sequential recommender over item ids trained from scratch on the run's
 * training split with cross-entropy over the whole catalogue at every position (the form that "Turning Dross Into
 * Gold Loss", arXiv 2309.07602, shows to beat BERT4Rec), selected by validation NDCG@10 and scored on the run's
 * test cases. Defaults are the SASRec authors' (2 blocks, 1 head, hidden 50-64, Adam lr 1e-3 with beta2 0.98,
 * batch 128, maximum length 50) with their dropout for sparse Amazon data.
 */
@Component(service = ReferencePlugin.class)
@PluginName(name = "sasrec", description = "SASRec over item ids, full-catalogue cross-entropy, trained on DJL")
public class SasRecPlugin implements ReferencePlugin<SasRecPlugin.Params> {

    public record Params(
            @JsonPropertyDescription("hidden size (default 64)") Integer hidden,
            @JsonPropertyDescription("self-attention blocks (default 2)") Integer layers,
            @JsonPropertyDescription("attention heads; must divide hidden (default 1)") Integer heads,
            @JsonPropertyDescription("dropout on embeddings, attention weights and feed-forward (default 0.5)")
            Double dropout,
            @JsonPropertyDescription("positions: the last this many items of a sequence (default 50)")
            Integer maxLength,
            @JsonPropertyDescription("Adam learning rate (default 0.001)") Double lr,
            @JsonPropertyDescription("sequences per batch (default 128)") Integer batchSize,
            @JsonPropertyDescription("most epochs (default 200)") Integer epochs,
            @JsonPropertyDescription("stop after this many epochs without a better validation NDCG@10 (default 10)")
            Integer patience,
            @JsonPropertyDescription("validation cases ranked after each epoch (default 0 = all)")
            Integer validationCases,
            @JsonPropertyDescription("leave the case's history items out of the ranking, as the popularity and "
                    + "item-kNN references do (default false: every item is ranked, as RecBole's full ranking of "
                    + "sequential models, which the published SASRec figures use, and as d3 ranks)")
            Boolean excludeHistory) {
        public Params {
            hidden = range("hidden", hidden, 64, 1, 4096);
            layers = range("layers", layers, 2, 1, 64);
            heads = range("heads", heads, 1, 1, 64);
            if (hidden % heads != 0) {
                throw new IllegalArgumentException("heads " + heads + " must divide hidden " + hidden);
            }
            dropout = dropout == null ? 0.5 : dropout;
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
            }
            maxLength = range("maxLength", maxLength, 50, 1, 4096);
            lr = lr == null ? 1e-3 : lr;
            if (!(lr > 0 && lr < 1)) {
                throw new IllegalArgumentException("lr must be in (0, 1), got " + lr);
            }
            batchSize = range("batchSize", batchSize, 128, 1, 65536);
            epochs = range("epochs", epochs, 200, 1, 100_000);
            patience = range("patience", patience, 10, 0, 100_000);
            validationCases = range("validationCases", validationCases, 0, 0, Integer.MAX_VALUE);
            excludeHistory = excludeHistory != null && excludeHistory;
        }

        private static int range(String field, Integer value, int fallback, int min, int max) {
            int v = value == null ? fallback : value;
            if (v < min || v > max) {
                throw new IllegalArgumentException(field + " must be in " + min + ".." + max + ", got " + v);
            }
            return v;
        }
    }

    @Override
    public Reference bind(Params params) {
        return job -> new SasRecTraining(params, job).ranks();
    }
}
