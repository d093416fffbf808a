package org.cftrec.backbone.llama;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.cftrec.api.AtomicFiles;
import org.cftrec.api.model.Backbone;
import org.cftrec.api.model.DecodingState;
import org.cftrec.api.model.ModelShape;
import org.cftrec.api.model.TextTokenizer;
import org.cftrec.djl.Djl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Llama-family decoder (RMSNorm, rotary embeddings in the Hugging Face half-split layout, grouped-query
 * attention, SwiGLU MLP, optionally tied embeddings and q/k/v biases as in Qwen2), computed with NDArray
 * operations on the weights held under their Hugging Face names.
 */
public final class LlamaBackbone implements Backbone {
    /** Added to attention scores of masked keys; finite, so rows with every key masked stay NaN-free. */
    static final float MASKED = -1e9f;
    static final String EMBEDDINGS = "model.embed_tokens.weight";
    /** Where {@link #save} puts the LoRA adapter (PEFT layout) beside the merged model. */
    public static final String ADAPTER_FOLDER = "adapter";

    private final LlamaConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> weights;
    /** The same tensors by role, per layer (training's forward reads them; no name lookups per call). */
    private final LayerParameters[] layers;
    private final NDArray finalNormWeight;
    private final HfTokenizer tokenizer;
    private final Path tokenizerFile;
    private final NDArray inverseFrequencies;
    /** A replica shares its original's tokenizer and must not close it. */
    private final boolean ownsTokenizer;
    /**
     * Training forward passes through {@link LayerWeights} (fused copies: faster, one more copy of the layer
     * weights per forward call) rather than {@link #trainingLayer} (no copies). Decided once from the model's size.
     */
    private final boolean fusedTraining;
    /** Activation (gradient) checkpointing in training forwards: recompute layers in the backward pass. */
    private boolean checkpointing;
    /** Residual dropout while training (0 = off): on the embeddings and on each layer's contribution. */
    private double dropout;
    /** LoRA adapters, or null (full fine-tuning). With adapters, only they are trained. */
    private LoraAdapters lora;
    /** What the optimiser updates: all weights, all but the frozen ones, or the adapters. */
    private Map<String, NDArray> trainable;

    LlamaBackbone(LlamaConfig config, NDManager manager, Map<String, NDArray> weights, HfTokenizer tokenizer,
                  Path tokenizerFile) {
        this(config, manager, weights, tokenizer, tokenizerFile, true);
    }

    private LlamaBackbone(LlamaConfig config, NDManager manager, Map<String, NDArray> weights, HfTokenizer tokenizer,
                          Path tokenizerFile, boolean ownsTokenizer) {
        this.ownsTokenizer = ownsTokenizer;
        this.config = config;
        this.manager = manager;
        this.weights = weights;
        this.layers = LayerParameters.of(weights, config.layers());
        this.finalNormWeight = weights.get("model.norm.weight");
        this.tokenizer = tokenizer;
        this.tokenizerFile = tokenizerFile;
        int half = config.headSize() / 2;
        float[] inv = new float[half];
        for (int i = 0; i < half; i++) {
            inv[i] = (float) (1.0 / Math.pow(config.ropeTheta(), (2.0 * i) / config.headSize()));
        }
        this.inverseFrequencies = manager.create(inv);
        NDScope.unregister(inverseFrequencies);
        this.fusedTraining = TrainingLayout.fused(config);
        this.trainable = weights;
    }

    /**
     * Trains only LoRA adapters on the targeted projections; every base weight stays frozen (PEFT semantics).
     * Evaluation and {@link #save} use the base with the adapters merged in.
     */
    void useAdapters(LoraAdapters adapters) {
        this.lora = adapters;
        this.trainable = adapters.parameters();
    }

    /** Leaves the named weights out of training (full fine-tuning of the rest). */
    void freeze(java.util.Set<String> names) {
        Map<String, NDArray> rest = new LinkedHashMap<>(weights);
        rest.keySet().removeAll(names);
        this.trainable = rest;
    }

    /**
     * Activation checkpointing on or off (Hugging Face's {@code gradient_checkpointing}): less memory for
     * activations, one more forward pass of the layers per training step.
     */
    void checkpointActivations(boolean on) {
        if (on && dropout > 0) {
            throw new IllegalArgumentException("gradientCheckpointing recomputes each layer, and dropout " + dropout
                    + " would draw a different mask the second time; use one or the other");
        }
        if (on && lora != null && lora.config.dropout() > 0) {
            throw new IllegalArgumentException("gradientCheckpointing recomputes each layer, and LoRA dropout would"
                    + " draw a different mask the second time; use lora.dropout 0 with it");
        }
        this.checkpointing = on;
    }

    /**
     * Residual dropout for models trained from scratch (SASRec's regulariser on sparse data): while training,
     * the embeddings and each layer's contribution to the residual stream (its output minus its input) are
     * dropped with probability {@code rate} and the rest scaled by 1 / (1 - rate); evaluation is unchanged.
     * Masks come from the engine's seed, which the trainers set per step, so a resumed run draws the same ones.
     */
    void useDropout(double rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + rate);
        }
        if (rate > 0 && checkpointing) {
            throw new IllegalArgumentException("dropout " + rate + " with gradientCheckpointing: the recomputed layers"
                    + " would draw other masks; use one or the other");
        }
        this.dropout = rate;
    }

    private NDArray dropped(NDArray x) {
        NDArray keep = x.getManager().randomUniform(0f, 1f, x.getShape()).gte(dropout).toType(x.getDataType(), false);
        return x.mul(keep).div(Djl.scalar(x, 1 - dropout));
    }

    /** Every weight of the model under its Hugging Face name, trainable or not. */
    Map<String, NDArray> allWeights() {
        return Collections.unmodifiableMap(weights);
    }

    /** The LoRA adapters, or null. */
    LoraAdapters adapters() {
        return lora;
    }

    public LlamaConfig config() {
        return config;
    }

    @Override
    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public ModelShape shape() {
        long count = 0;
        for (NDArray w : weights.values()) {
            count += w.size();
        }
        return new ModelShape(config.modelType(), config.vocabSize(), config.hiddenSize(), config.layers(),
                config.heads(), config.kvHeads(), config.intermediateSize(), count);
    }

    @Override
    public Device device() {
        return manager.getDevice();
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    /** The trainable weights: all of them, all but the frozen ones, or only the LoRA adapters. */
    @Override
    public Map<String, NDArray> parameters() {
        return Collections.unmodifiableMap(trainable);
    }

    @Override
    public NDArray hiddenStates(NDArray tokenIds, NDArray positionIds, NDArray attentionMask, boolean training) {
        long batch = tokenIds.getShape().get(0);
        long length = tokenIds.getShape().get(1);
        NDArray x = embed(tokenIds);
        NDArray[] rope = rotary(positionIds);
        NDArray bias = causalMask(length).add(paddingBias(attentionMask, batch, length));
        if (training && checkpointing && Djl.gradientTracking()) {
            return finalNorm(checkpointedLayers(x, rope, bias));
        }
        boolean dropping = training && dropout > 0 && Djl.gradientTracking();
        if (dropping) {
            x = dropped(x);
        }
        // LoRA trains on the parameters as they are: its update x A^T B^T is cheaper than merging B A per call.
        LayerWeights[] fused = training && (!fusedTraining || lora != null) ? null : layerWeights();
        for (int l = 0; l < config.layers(); l++) {
            int index = l;
            java.util.function.UnaryOperator<NDArray> layer = fused == null
                    ? in -> trainingLayer(layers[index], in, rope, bias) : in -> layer(fused[index], in, rope, bias);
            java.util.function.UnaryOperator<NDArray> step = dropping
                    ? in -> in.add(dropped(layer.apply(in).sub(in))) : layer;
            x = training ? releasingIntermediates(step, x) : step.apply(x);
        }
        return finalNorm(x);
    }

    /** The RMSNorm after the last layer. */
    NDArray finalNorm(NDArray x) {
        return rmsNorm(x, finalNormWeight);
    }

    @Override
    public NDArray vocabularyLogits(NDArray hidden) {
        NDArray head = config.tieWordEmbeddings() ? weights.get(EMBEDDINGS)
                : weights.get(CheckpointLayout.LM_HEAD);
        return hidden.matMul(head.transpose());
    }

    @Override
    public DecodingState prefill(NDArray tokenIds, NDArray positionIds, NDArray attentionMask) {
        return KvCacheState.prefill(this, tokenIds, positionIds, attentionMask);
    }

    // ---- building blocks, also used by the KV-cache state: each computes and returns, none calls back ----

    NDArray embed(NDArray tokenIds) {
        Shape shape = tokenIds.getShape();
        NDArray table = weights.get(EMBEDDINGS);
        return Djl.selectRows(table, tokenIds.flatten()).reshape(shape.get(0), shape.get(1), config.hiddenSize());
    }

    /** The layers' weights in the forward pass's layout (see {@link LayerWeights}), from the current parameters. */
    LayerWeights[] layerWeights() {
        return LayerWeights.of(lora == null ? layers : LayerParameters.of(effectiveWeights(), config.layers()), config);
    }

    /** The weights with the LoRA adapters merged into their projections (the weights themselves without LoRA). */
    private Map<String, NDArray> effectiveWeights() {
        if (lora == null) {
            return weights;
        }
        Map<String, NDArray> merged = new LinkedHashMap<>();
        weights.keySet().forEach(name -> merged.put(name, effectiveWeight(name)));
        return merged;
    }

    /** One weight, with its LoRA adapter merged in where one targets it. */
    private NDArray effectiveWeight(String name) {
        NDArray weight = weights.get(name);
        String prefix = name.endsWith(".weight") ? name.substring(0, name.length() - ".weight".length()) : "";
        return lora != null && lora.targets(prefix) ? lora.merged(prefix, weight) : weight;
    }

    /** cos and sin of the rotary angles, [B, T, 1, headSize] each (half-split layout: angles repeated twice). */
    NDArray[] rotary(NDArray positionIds) {
        Shape shape = positionIds.getShape();
        NDArray angles = positionIds.toType(DataType.FLOAT32, false).expandDims(2)
                .mul(inverseFrequencies.reshape(1, 1, -1));
        NDArray full = angles.concat(angles, 2).reshape(shape.get(0), shape.get(1), 1, config.headSize());
        return new NDArray[] {full.cos(), full.sin()};
    }

    NDArray causalMask(long length) {
        float[] values = new float[(int) (length * length)];
        for (int i = 0; i < length; i++) {
            for (int j = i + 1; j < length; j++) {
                values[(int) (i * length + j)] = MASKED;
            }
        }
        return manager.create(values, new Shape(1, 1, length, length));
    }

    /** [B, 1, 1, T]: 0 for real keys, {@link #MASKED} for padding. */
    static NDArray paddingBias(NDArray attentionMask, long batch, long length) {
        return attentionMask.toType(DataType.FLOAT32, false).neg().add(1f).mul(MASKED).reshape(batch, 1, 1, length);
    }

    /**
     * A layer's attention inputs: q [B, heads, L, d] (scaled by 1/sqrt(d)), k and v [B, kvHeads, L, d], q and k
     * rotated. Full-sequence attention and KV-cache decoding differ only in which keys and values q meets.
     */
    record QueryKeyValue(NDArray q, NDArray k, NDArray v) {
    }

    /** Causal attention of a layer's queries over its own keys and values, with an additive bias [B|1, 1, L, L]. */
    NDArray attend(QueryKeyValue a, NDArray bias) {
        return a.q().matMul(repeatKv(a.k()).transpose(0, 1, 3, 2)).add(bias).softmax(3).matMul(repeatKv(a.v()));
    }

    /** One decoder layer over the whole sequence. */
    NDArray layer(LayerWeights w, NDArray x, NDArray[] rope, NDArray bias) {
        return afterAttention(w, x, attend(project(w, x, rope), bias));
    }

    /** A layer's first half: its attention inputs from the residual stream x [B, L, hidden]. */
    QueryKeyValue project(LayerWeights w, NDArray x, NDArray[] rope) {
        long batch = x.getShape().get(0);
        long length = x.getShape().get(1);
        int hd = config.headSize();
        int heads = config.heads();
        int kvHeads = config.kvHeads();
        NDArray qkv = normalize(x).matMul(w.qkv()); // the norm's weight is folded into w.qkv()
        if (w.qkvBias() != null) {
            qkv = qkv.add(w.qkvBias());
        }
        NDList qkAndV = qkv.split(new long[] {(long) (heads + kvHeads) * hd}, 2);
        // q and k rotated together: [B, T, heads + kvHeads, d] against cos and sin [B, T, 1, d].
        NDList qAndK = applyRotary(qkAndV.get(0).reshape(batch, length, heads + kvHeads, hd), rope)
                .split(new long[] {heads}, 2);
        return new QueryKeyValue(qAndK.get(0).transpose(0, 2, 1, 3), qAndK.get(1).transpose(0, 2, 1, 3),
                qkAndV.get(1).reshape(batch, length, kvHeads, hd).transpose(0, 2, 1, 3));
    }

    /** A layer's second half: the attended values [B, heads, L, d] through the output projection and the MLP. */
    NDArray afterAttention(LayerWeights w, NDArray x, NDArray attended) {
        long batch = x.getShape().get(0);
        long length = x.getShape().get(1);
        x = x.add(attended.transpose(0, 2, 1, 3).reshape(batch, length, (long) config.heads() * config.headSize())
                .matMul(w.output()));
        NDList gateUp = normalize(x).matMul(w.gateUp()).split(2, 2);
        NDArray gate = gateUp.get(0);
        NDArray swiglu = gate.mul(Activation.sigmoid(gate)).mul(gateUp.get(1));
        return x.add(swiglu.matMul(w.down()));
    }

    /**
     * One decoder layer computed on the parameters as they are (Hugging Face layout, products with transposed
     * views, norm weights and the attention scale applied to activations): autograd keeps no derived copy of the
     * weights. {@link #layer} with {@link LayerWeights} is faster on small models but keeps one fused copy of
     * every layer's weights per forward call for the backward pass (two per CFT step).
     */
    NDArray trainingLayer(LayerParameters p, NDArray x, NDArray[] rope, NDArray bias) {
        long batch = x.getShape().get(0);
        long length = x.getShape().get(1);
        int hd = config.headSize();
        NDArray h = rmsNorm(x, p.inputNorm());
        NDArray q = linear(h, p.q()).reshape(batch, length, config.heads(), hd);
        NDArray k = linear(h, p.k()).reshape(batch, length, config.kvHeads(), hd);
        NDArray v = linear(h, p.v()).reshape(batch, length, config.kvHeads(), hd).transpose(0, 2, 1, 3);
        NDArray qRotated = applyRotary(q, rope);
        q = qRotated.mul(Djl.scalar(qRotated, 1.0 / Math.sqrt(hd))).transpose(0, 2, 1, 3);
        k = applyRotary(k, rope).transpose(0, 2, 1, 3);
        NDArray attended = attend(new QueryKeyValue(q, k, v), bias).transpose(0, 2, 1, 3)
                .reshape(batch, length, (long) config.heads() * hd);
        x = x.add(linear(attended, p.o()));
        NDArray h2 = rmsNorm(x, p.postAttentionNorm());
        NDArray gate = linear(h2, p.gate());
        NDArray swiglu = gate.mul(Activation.sigmoid(gate)).mul(linear(h2, p.up()));
        return x.add(linear(swiglu, p.down()));
    }

    /**
     * Activation checkpointing, first half: the layers run without autograd, keeping only each layer's input;
     * the output is a leaf that collects the gradient of everything after it. {@link #finishBackward} is the second
     * half. Memory: one [B, T, hidden] input per layer instead of every intermediate of every layer.
     */
    private NDArray checkpointedLayers(NDArray embedded, NDArray[] rope, NDArray bias) {
        List<NDArray> inputs = new ArrayList<>(config.layers());
        NDArray x = embedded.stopGradient();
        Djl.setGradientTracking(false);
        try {
            for (int l = 0; l < config.layers(); l++) {
                inputs.add(x);
                x = releasingIntermediates(trainingLayerAt(l, rope, bias), x);
            }
        } finally {
            Djl.setGradientTracking(true);
        }
        x.setRequiresGradient(true);
        deferred.add(new DeferredBackward(embedded, inputs, x, rope, bias));
        return x;
    }

    /** One training forward's layers, still to be recomputed for the backward pass. */
    private record DeferredBackward(NDArray embedded, List<NDArray> inputs, NDArray output, NDArray[] rope,
                                    NDArray bias) {
    }

    /** Training forwards whose layers' backward pass is still to be done (activation checkpointing). */
    private final List<DeferredBackward> deferred = new ArrayList<>();

    /**
     * Activation checkpointing, second half: from the last layer to the first, recompute the layer on its kept
     * input and propagate the gradient arriving at its output, which leaves the gradient for the layer below on
     * the input; finally into the embedding table. Each layer's intermediates live only while it is recomputed.
     */
    @Override
    public void finishBackward() {
        for (DeferredBackward d : deferred) {
            NDArray gradient = d.output().getGradient();
            for (int l = config.layers() - 1; l >= 0; l--) {
                NDArray input = d.inputs().get(l);
                input.setRequiresGradient(true);
                try (NDScope ignored = new NDScope()) {
                    NDArray output = trainingLayerAt(l, d.rope(), d.bias()).apply(input);
                    Djl.backward(output, gradient);
                }
                gradient = input.getGradient();
            }
            if (trainable.containsKey(EMBEDDINGS)) { // not with frozen embeddings or LoRA
                Djl.backward(d.embedded(), gradient);
            }
        }
        deferred.clear();
    }

    private java.util.function.UnaryOperator<NDArray> trainingLayerAt(int l, NDArray[] rope, NDArray bias) {
        return in -> trainingLayer(layers[l], in, rope, bias);
    }

    /**
     * Runs one layer and closes the handles of every array it made except its output. Autograd keeps its own
     * references to what the backward pass needs, so this frees only what eager PyTorch would free at once:
     * without it, DJL holds every intermediate of every layer until the step ends. The values computed are
     * unchanged.
     */
    private static NDArray releasingIntermediates(java.util.function.UnaryOperator<NDArray> layer, NDArray input) {
        NDArray output;
        try (NDScope ignored = new NDScope()) {
            output = layer.apply(input);
            NDScope.unregister(output);
        }
        NDScope.register(output); // the caller's scope (the training step) closes it
        return output;
    }

    /**
     * x W^T (+ b) with W [out, in] as stored: the transpose is a view, not a copy; plus the LoRA update where an
     * adapter targets the projection. Used by training only.
     */
    private NDArray linear(NDArray x, LayerParameters.Projection projection) {
        NDArray y = x.matMul(projection.weight().transpose());
        y = projection.bias() == null ? y : y.add(projection.bias());
        return lora != null && lora.targets(projection.name()) ? y.add(lora.delta(projection.name(), x)) : y;
    }

    NDArray rmsNorm(NDArray x, NDArray weight) {
        return normalize(x).mul(weight);
    }

    /** x / sqrt(mean(x²) + eps) over the last axis: RMSNorm without its weight. */
    private NDArray normalize(NDArray x) {
        int last = x.getShape().dimension() - 1;
        NDArray meanSquare = x.square().mean(new int[] {last}, true);
        return x.div(meanSquare.add(Djl.scalar(meanSquare, config.rmsNormEps())).sqrt());
    }

    /** Hugging Face rotary layout: x * cos + rotate_half(x) * sin, rotate_half([a, b]) = [-b, a]. */
    private NDArray applyRotary(NDArray x, NDArray[] rope) {
        NDList halves = x.split(2, 3);
        NDArray rotated = halves.get(1).neg().concat(halves.get(0), 3);
        return x.mul(rope[0]).add(rotated.mul(rope[1]));
    }

    /** Grouped-query attention: each key/value head serves heads/kvHeads consecutive query heads. */
    private NDArray repeatKv(NDArray x) {
        int groups = config.heads() / config.kvHeads();
        if (groups == 1) {
            return x;
        }
        Shape s = x.getShape();
        return x.expandDims(2).broadcast(new Shape(s.get(0), s.get(1), groups, s.get(2), s.get(3)))
                .reshape(s.get(0), s.get(1) * groups, s.get(2), s.get(3));
    }

    @Override
    public void save(Path directory) throws IOException {
        Files.createDirectories(directory);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        AtomicFiles.write(directory.resolve("config.json"), json.writeValueAsBytes(config));
        // One tensor on the Java heap at a time (the largest, the embeddings, is 0.5 GB at Qwen2.5-0.5B), each made
        // when the writer reaches it: a model of any size saves with the heap its largest tensor needs.
        Map<String, long[]> shapes = new LinkedHashMap<>();
        weights.forEach((name, w) -> shapes.put(name, w.getShape().getShape()));
        AtomicFiles.write(directory.resolve(CheckpointLayout.SINGLE_FILE), out -> Safetensors.writeF32(out, shapes,
                name -> {
                    try (NDScope ignored = new NDScope()) { // the merged LoRA weight and the CPU copy
                        NDArray w = effectiveWeight(name);
                        return w.toDevice(Device.cpu(), false).toType(DataType.FLOAT32, false).toFloatArray();
                    }
                }));
        Path target = directory.resolve("tokenizer.json");
        if (!Files.isSameFile(directory, tokenizerFile.getParent())) {
            AtomicFiles.write(target, out -> Files.copy(tokenizerFile, out));
        }
        if (lora != null) {
            lora.save(directory.resolve(ADAPTER_FOLDER), tokenizerFile.getParent().getFileName().toString());
        }
    }

    @Override
    public Backbone replicate(String device) {
        NDManager target = NDManager.newBaseManager(Device.fromName(device));
        Map<String, NDArray> copies = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            NDArray source = e.getValue();
            // toDevice(sameDevice, copy = true) shares the storage in DJL's PyTorch engine: duplicate explicitly.
            NDArray copy = source.getDevice().equals(target.getDevice()) ? source.duplicate()
                    : source.toDevice(target.getDevice(), false);
            NDScope.unregister(copy);
            copy.attach(target);
            copies.put(e.getKey(), copy);
        }
        LlamaBackbone replica = new LlamaBackbone(config, target, copies, tokenizer, tokenizerFile, false);
        if (lora != null) {
            replica.useAdapters(lora.copyTo(target));
        } else {
            java.util.Set<String> frozen = new java.util.HashSet<>(weights.keySet());
            frozen.removeAll(trainable.keySet());
            replica.freeze(frozen);
        }
        return replica;
    }

    @Override
    public void close() {
        if (ownsTokenizer) {
            tokenizer.close();
        }
        manager.close();
    }
}
