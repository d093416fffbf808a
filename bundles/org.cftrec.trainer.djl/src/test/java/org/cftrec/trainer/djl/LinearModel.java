package org.cftrec.trainer.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.cftrec.api.model.Backbone;
import org.cftrec.api.model.DecodingState;
import org.cftrec.api.model.ModelShape;
import org.cftrec.api.model.TextTokenizer;
import org.cftrec.api.train.LossTerms;
import org.cftrec.api.train.TrainingData;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * A least-squares problem as the trainer sees a model: weights by name and a loss over example indices.
 * Only what the trainer touches is implemented; the language-model parts of {@link Backbone} throw.
 */
final class LinearModel implements Backbone, TrainingData {
    private final NDManager manager = NDManager.newBaseManager(Device.cpu());
    private final Map<String, NDArray> weights = new LinkedHashMap<>();
    private final float[][] x;
    private final float[] y;
    private final int validation;
    /** Overrides the validation loss of the k-th validation call (for early-stopping tests), or null. */
    IntFunction<Float> scriptedValidation;
    /** The NDCG@10 the k-th validation ranking reports (selectBy tests), or null: no ranking offered. */
    IntFunction<Double> scriptedRanking;
    private int rankingCalls;
    /** Makes the training loss NaN from this step on (1-based count of trainingLoss calls), or 0. */
    int nanFromCall;
    private int trainingCalls;
    private int validationCalls;

    LinearModel(int examples, int validation, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] truth = {1.5f, -2f, 0.5f};
        x = new float[examples + validation][3];
        y = new float[examples + validation];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < 3; j++) {
                x[i][j] = (float) random.nextDouble(-1, 1);
                y[i] += truth[j] * x[i][j];
            }
            y[i] += (float) random.nextDouble(-0.05, 0.05);
        }
        this.validation = validation;
        NDArray w = manager.zeros(new Shape(3));
        NDScope.unregister(w);
        weights.put("w", w);
    }

    /** A replica for data-parallel tests: the same examples, its own manager and a copy of the weights. */
    private LinearModel(LinearModel original) {
        x = original.x;
        y = original.y;
        validation = original.validation;
        NDArray w = manager.create(original.weights.get("w").toFloatArray());
        NDScope.unregister(w);
        weights.put("w", w);
    }

    /** Number of trainingLoss calls so far. */
    int trainingCalls() {
        return trainingCalls;
    }

    @Override
    public Backbone replicate(String device) {
        return new LinearModel(this);
    }

    @Override
    public TrainingData withBackbone(Backbone replica) {
        return (LinearModel) replica;
    }

    @Override
    public int trainingExamples() {
        return x.length - validation;
    }

    @Override
    public int validationExamples() {
        return validation;
    }

    @Override
    public org.cftrec.api.train.TokenizedExample trainingExample(int index) {
        throw new UnsupportedOperationException("a linear model has no token ids");
    }

    @Override
    public org.cftrec.api.train.TokenizedExample validationExample(int index) {
        throw new UnsupportedOperationException("a linear model has no token ids");
    }

    @Override
    public org.cftrec.api.spec.ObjectiveSpec objective() {
        throw new UnsupportedOperationException("a linear model has no CFT objective");
    }

    @Override
    public long padTokenId() {
        return 0;
    }

    @Override
    public LossTerms trainingLoss(int[] exampleIndices) {
        trainingCalls++;
        NDArray loss = mse(exampleIndices, 0);
        if (nanFromCall > 0 && trainingCalls >= nanFromCall) {
            loss = loss.mul(Float.NaN);
        }
        return new LossTerms(loss, loss, loss.zerosLike());
    }

    @Override
    public LossTerms validationLoss(int[] exampleIndices) {
        validationCalls++;
        NDArray loss = mse(exampleIndices, trainingExamples());
        if (scriptedValidation != null) {
            loss = manager.create(scriptedValidation.apply(validationCalls));
        }
        return new LossTerms(loss, loss, loss.zerosLike());
    }

    private NDArray mse(int[] indices, int offset) {
        float[][] rows = new float[indices.length][];
        float[] targets = new float[indices.length];
        for (int i = 0; i < indices.length; i++) {
            rows[i] = x[offset + indices[i]];
            targets[i] = y[offset + indices[i]];
        }
        NDArray prediction = manager.create(rows).matMul(weights.get("w"));
        return prediction.sub(manager.create(targets)).square().mean();
    }

    @Override
    public Map<String, NDArray> parameters() {
        return weights;
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public Device device() {
        return Device.cpu();
    }

    @Override
    public void close() {
        manager.close();
    }

    @Override
    public TextTokenizer tokenizer() {
        throw new UnsupportedOperationException("not a language model");
    }

    @Override
    public ModelShape shape() {
        return new ModelShape("linear", 0, 3, 0, 0, 0, 0, 3);
    }

    @Override
    public NDArray hiddenStates(NDArray tokenIds, NDArray positionIds, NDArray attentionMask, boolean training) {
        throw new UnsupportedOperationException("not a language model");
    }

    @Override
    public NDArray vocabularyLogits(NDArray hidden) {
        throw new UnsupportedOperationException("not a language model");
    }

    @Override
    public DecodingState prefill(NDArray tokenIds, NDArray positionIds, NDArray attentionMask) {
        throw new UnsupportedOperationException("not a language model");
    }

    @Override
    public void save(Path directory) {
        throw new UnsupportedOperationException("not a language model");
    }

    @Override
    public Map<String, Double> validationRanking(int cases) {
        return scriptedRanking == null ? Map.of() : Map.of("NDCG@10", scriptedRanking.apply(++rankingCalls),
                "HR@10", 0.5);
    }
}
