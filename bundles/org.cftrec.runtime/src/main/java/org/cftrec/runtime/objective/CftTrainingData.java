package org.cftrec.runtime.objective;

import org.cftrec.api.spec.ObjectiveSpec;
import org.cftrec.api.train.TokenizedExample;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.cftrec.api.model.Backbone;
import org.cftrec.api.spec.BranchLayout;
import org.cftrec.api.spec.WeightScope;
import org.cftrec.api.train.LossTerms;
import org.cftrec.api.train.TrainingData;
import org.cftrec.djl.Djl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The training examples of one variant and the CFT objective over them. The two branches of a micro-batch
 * go through the backbone in two forward calls, each at its own length ({@code branches: separate}, the default),
 * or in one with the counterfactual rows padded ({@code stacked}); vocabulary logits are computed only at target
 * positions.
 */
public final class CftTrainingData implements TrainingData {
    private final Backbone backbone;
    private final List<TokenizedExample> train;
    private final List<TokenizedExample> valid;
    private final double alpha;
    private final WeightScope scope;
    private final BranchLayout branches;
    /** Ranks the first n validation cases with the current weights; null where the run has no evaluator. */
    private final java.util.function.IntFunction<java.util.Map<String, Double>> ranking;

    public CftTrainingData(Backbone backbone, List<TokenizedExample> train, List<TokenizedExample> valid,
                           double alpha, WeightScope scope, BranchLayout branches) {
        this(backbone, train, valid, alpha, scope, branches, null);
    }

    /** @param ranking ranks the first n validation cases with the backbone's current weights (selectBy) */
    public CftTrainingData(Backbone backbone, List<TokenizedExample> train, List<TokenizedExample> valid,
                           double alpha, WeightScope scope, BranchLayout branches,
                           java.util.function.IntFunction<java.util.Map<String, Double>> ranking) {
        this.ranking = ranking;
        this.backbone = backbone;
        // Not copied: the lists may encode their examples lazily (see the pipeline's LazyEncodedExamples).
        this.train = Collections.unmodifiableList(train);
        this.valid = Collections.unmodifiableList(valid);
        this.alpha = alpha;
        this.scope = scope;
        this.branches = branches;
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
    public TokenizedExample trainingExample(int index) {
        return train.get(index);
    }

    @Override
    public TokenizedExample validationExample(int index) {
        return valid.get(index);
    }

    @Override
    public ObjectiveSpec objective() {
        return new ObjectiveSpec(alpha, scope, branches);
    }

    @Override
    public long padTokenId() {
        return backbone.tokenizer().padTokenId();
    }

    @Override
    public TrainingData withBackbone(Backbone replica) {
        return new CftTrainingData(replica, train, valid, alpha, scope, branches, ranking);
    }

    @Override
    public java.util.Map<String, Double> validationRanking(int cases) {
        return ranking == null ? java.util.Map.of() : ranking.apply(cases);
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
        long pad = backbone.tokenizer().padTokenId();
        if (alpha == 0 || branches == BranchLayout.SEPARATE) {
            PairedBatch factual = PairedBatch.of(backbone.manager(), examples, false, pad);
            NDArray factualLogits = targetLogits(factual, training);
            NDArray counterfactualLogits = null;
            if (alpha != 0) {
                List<TokenizedExample> swapped = examples.stream().map(e -> new TokenizedExample(e.counterfactual(),
                        e.factual(), e.target(), e.weights())).toList();
                counterfactualLogits = targetLogits(PairedBatch.of(backbone.manager(), swapped, false, pad), training);
            }
            return CftLoss.compute(factualLogits, counterfactualLogits, factual.labels(), factual.weights(), alpha, scope);
        }
        PairedBatch batch = PairedBatch.of(backbone.manager(), examples, true, pad);
        NDList halves = targetLogits(batch, training).split(new long[] {batch.targetCount()}, 0);
        return CftLoss.compute(halves.get(0), halves.get(1), batch.labels(), batch.weights(), alpha, scope);
    }

    /** Vocabulary logits at the batch's target positions only (never the full rows x width x vocab tensor). */
    private NDArray targetLogits(PairedBatch batch, boolean training) {
        NDArray hidden = backbone.hiddenStates(batch.tokens(), batch.positions(), batch.mask(), training);
        long width = batch.tokens().getShape().get(1);
        long rows = batch.tokens().getShape().get(0);
        NDArray atTargets = Djl.selectRows(hidden.reshape(rows * width, hidden.getShape().get(2)), batch.targetRows());
        return backbone.vocabularyLogits(atTargets);
    }

    private static List<TokenizedExample> select(List<TokenizedExample> from, int[] indices) {
        List<TokenizedExample> chosen = new ArrayList<>(indices.length);
        for (int index : indices) {
            chosen.add(from.get(index));
        }
        return chosen;
    }
}
