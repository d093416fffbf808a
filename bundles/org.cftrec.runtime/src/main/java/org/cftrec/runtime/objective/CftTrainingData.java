package org.cftrec.runtime.objective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.cftrec.api.model.Backbone;
import org.cftrec.api.spec.WeightScope;
import org.cftrec.api.train.LossTerms;
import org.cftrec.api.train.TrainingData;

import java.util.ArrayList;
import java.util.List;

/**
 * The training examples of one variant and the CFT objective over them. Both branches of a micro-batch
 * go through the backbone in one forward call, and vocabulary logits are computed only at target positions.
 */
public final class CftTrainingData implements TrainingData {
    private final Backbone backbone;
    private final List<TokenizedExample> train;
    private final List<TokenizedExample> valid;
    private final double alpha;
    private final WeightScope scope;

    public CftTrainingData(Backbone backbone, List<TokenizedExample> train, List<TokenizedExample> valid,
                           double alpha, WeightScope scope) {
        this.backbone = backbone;
        this.train = List.copyOf(train);
        this.valid = List.copyOf(valid);
        this.alpha = alpha;
        this.scope = scope;
    }

    @Override
    public int trainingExamples() {
        return train.size();
    }

    @Override
    public int validationExamples() {
        return valid.size();
    }

    @Override
    public LossTerms trainingLoss(int[] exampleIndices) {
        return loss(select(train, exampleIndices), alpha, true);
    }

    @Override
    public LossTerms validationLoss(int[] exampleIndices) {
        // Validation and early stopping use L_n alone: no counterfactual branch.
        return loss(select(valid, exampleIndices), 0, false);
    }

    private LossTerms loss(List<TokenizedExample> examples, double alpha, boolean training) {
        boolean counterfactual = alpha != 0;
        PairedBatch batch = PairedBatch.of(backbone.manager(), examples, counterfactual,
                backbone.tokenizer().padTokenId());
        NDArray hidden = backbone.hiddenStates(batch.tokens(), batch.positions(), batch.mask(), training);
        long width = batch.tokens().getShape().get(1);
        long rows = batch.tokens().getShape().get(0);
        NDArray atTargets = hidden.reshape(rows * width, hidden.getShape().get(2)).get(batch.targetRows());
        NDArray logits = backbone.vocabularyLogits(atTargets);
        NDArray factual = logits;
        NDArray counterfactualLogits = null;
        if (counterfactual) {
            NDList halves = logits.split(new long[] {batch.targetCount()}, 0);
            factual = halves.get(0);
            counterfactualLogits = halves.get(1);
        }
        return CftLoss.compute(factual, counterfactualLogits, batch.labels(), batch.weights(), alpha, scope);
    }

    private static List<TokenizedExample> select(List<TokenizedExample> from, int[] indices) {
        List<TokenizedExample> chosen = new ArrayList<>(indices.length);
        for (int index : indices) {
            chosen.add(from.get(index));
        }
        return chosen;
    }
}
