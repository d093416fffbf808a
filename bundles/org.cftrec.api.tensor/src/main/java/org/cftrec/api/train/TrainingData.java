package org.cftrec.api.train;

import org.cftrec.api.spec.ObjectiveSpec;

import org.osgi.annotation.versioning.ProviderType;

import org.cftrec.api.model.Backbone;

/**
 * The examples of a run and the objective over them. The trainer chooses order, micro-batches and
 * accumulation; the runtime turns example indices into paired factual/counterfactual batches.
 * Arrays are created in the caller's {@link ai.djl.ndarray.NDScope}: a trainer opens one per micro-batch
 * so that activations are freed when the step is done.
 */
@ProviderType
public interface TrainingData {

    int trainingExamples();

    int validationExamples();

    /**
     * Training example {@code index} as token ids and weights, for trainers that compute the objective elsewhere
     * (e.g. on PyTorch distributed): they must reproduce {@link #trainingLoss} from these and {@link #objective}.
     */
    TokenizedExample trainingExample(int index);

    /** Validation example {@code index}, as {@link #trainingExample}. */
    TokenizedExample validationExample(int index);

    /** The objective {@link #trainingLoss} computes: alpha, the weights' scope and the branch layout. */
    ObjectiveSpec objective();

    /** The id padding rows are filled with (never attended to). */
    long padTokenId();

    /** Loss of training examples, to be called inside the trainer's gradient collector. */
    LossTerms trainingLoss(int[] exampleIndices);

    /** Loss of validation examples, without gradients. */
    LossTerms validationLoss(int[] exampleIndices);

    /**
     * The same examples and objective computed with {@code replica} (see {@link Backbone#replicate}), for
     * data-parallel training.
     *
     * @throws UnsupportedOperationException where the objective cannot be moved (the default)
     */
    default TrainingData withBackbone(Backbone replica) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot run on a backbone replica");
    }

    /**
     * The model as it is now, ranked on the first {@code cases} validation cases (a fixed sample) the way the
     * run's first evaluation protocol ranks test cases: metric name (HR@10, NDCG@10) to value, for trainers that
     * select the best checkpoint by ranking rather than by L_n ({@link TrainerParams#selectBy}). Empty where the
     * data offers no ranking (the default).
     */
    default java.util.Map<String, Double> validationRanking(int cases) {
        return java.util.Map.of();
    }
}
