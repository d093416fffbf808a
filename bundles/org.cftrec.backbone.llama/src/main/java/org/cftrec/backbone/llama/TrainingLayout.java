package org.cftrec.backbone.llama;

/**
 * Which layout a training forward pass uses. Fused copies of the layer weights ({@link LayerWeights}) make the
 * products faster (an earlier micro-benchmark found a product with a transposed view 15 % slower on CPU), but
 * autograd keeps one copy per forward call until the backward pass: two per CFT step, plus their gradients. By
 * count that is nothing for a small model and 2.9 GB (plus 1.4 GB of gradients) for Qwen2.5-0.5B, whose floor of
 * training is 7.9 GB. So small models train fused, real ones on the parameters as they are.
 */
final class TrainingLayout {
    /** Layer weights (float32) up to which the fused copies are used in training. */
    static final long FUSED_MAX_LAYER_BYTES = 64L << 20;
    /** Overrides the choice: {@code -Dcftrec.trainingLayout=fused} or {@code views}. */
    static final String PROPERTY = "cftrec.trainingLayout";

    private TrainingLayout() {
    }

    static boolean fused(LlamaConfig config) {
        String forced = System.getProperty(PROPERTY, "");
        if (forced.equals("fused") || forced.equals("views")) {
            return forced.equals("fused");
        }
        long embedding = (long) config.vocabSize() * config.hiddenSize() * (config.tieWordEmbeddings() ? 1 : 2);
        long layerBytes = 4 * (ModelSize.parameters(config) - embedding);
        return layerBytes <= FUSED_MAX_LAYER_BYTES;
    }
}
