package org.cftrec.backbone.llama;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.cftrec.api.PluginContext;
import org.cftrec.api.PluginName;
import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import org.cftrec.api.model.Backbone;
import org.cftrec.api.model.BackbonePlugin;
import org.cftrec.api.model.BackboneLoader;
import org.cftrec.api.model.BackboneRequest;
import org.osgi.service.component.annotations.Component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Plugin {@code llama}: Llama / Qwen2 / Mistral-family checkpoints in the Hugging Face layout, or the tiny preset. */
@Component(service = BackbonePlugin.class)
@PluginName(name = "llama", description = "Llama/Qwen2/Mistral decoder from a Hugging Face folder, or the tiny preset")
public class LlamaBackboneProvider implements BackbonePlugin<LlamaBackboneProvider.Params> {

    public record Params(
            @JsonPropertyDescription("tiny: a new random model sized by the fields below (default when no path)")
            String preset,
            @JsonPropertyDescription("a Hugging Face checkpoint folder (relative to the data root); excludes preset")
            String path,
            @JsonPropertyDescription("tiny preset: decoder layers (default 4)") Integer layers,
            @JsonPropertyDescription("tiny preset: hidden size (default 256)") Integer hidden,
            @JsonPropertyDescription("tiny preset: attention heads (default 4)") Integer heads,
            @JsonPropertyDescription("tiny preset: key-value heads (default = heads)") Integer kvHeads,
            @JsonPropertyDescription("tiny preset: SwiGLU width (default 688)") Integer intermediate,
            @JsonPropertyDescription("tiny preset: vocabulary cap, special tokens included (default 16000)")
            Integer maxVocabulary,
            @JsonPropertyDescription("float32 (default), bfloat16 or float16 (GPU only)") String dtype,
            @JsonPropertyDescription("weights left out of full fine-tuning: embeddings, head (default none)")
            List<String> freeze,
            @JsonPropertyDescription("train LoRA adapters instead of the whole model (default: full fine-tuning)")
            Lora lora,
            @JsonPropertyDescription("recompute each layer in the backward pass instead of keeping its activations "
                    + "(default false): less memory, about one more forward pass per step")
            Boolean gradientCheckpointing,
            @JsonPropertyDescription("residual dropout while training, on the embeddings and each layer's "
                    + "contribution (default 0 = off; SASRec uses 0.2-0.5 on sparse data); not with "
                    + "gradientCheckpointing") Double dropout) {

        /** The parameters without {@code dropout} (off). */
        public Params(String preset, String path, Integer layers, Integer hidden, Integer heads, Integer kvHeads,
                      Integer intermediate, Integer maxVocabulary, String dtype, List<String> freeze, Lora lora,
                      Boolean gradientCheckpointing) {
            this(preset, path, layers, hidden, heads, kvHeads, intermediate, maxVocabulary, dtype, freeze, lora,
                    gradientCheckpointing, null);
        }

        public Params {
            dropout = dropout == null ? 0.0 : dropout;
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
            }
            gradientCheckpointing = gradientCheckpointing != null && gradientCheckpointing;
            freeze = freeze == null ? List.of() : List.copyOf(freeze);
            for (String part : freeze) {
                if (!FREEZABLE.contains(part)) {
                    throw new IllegalArgumentException("freeze: '" + part + "' is not a part; valid: " + FREEZABLE);
                }
            }
            if (lora != null && !freeze.isEmpty()) {
                throw new IllegalArgumentException("freeze applies to full fine-tuning; with lora every base weight"
                        + " is frozen already");
            }
            if (preset != null && path != null) {
                throw new IllegalArgumentException("give either preset or path, not both");
            }
            if (preset == null && path == null) {
                preset = "tiny";
            }
            if (preset != null && !preset.equals("tiny")) {
                throw new IllegalArgumentException("unknown preset '" + preset + "'; valid presets: tiny");
            }
            layers = positive("layers", layers, 4);
            hidden = positive("hidden", hidden, 256);
            heads = positive("heads", heads, 4);
            kvHeads = positive("kvHeads", kvHeads, heads);
            intermediate = positive("intermediate", intermediate, 688);
            maxVocabulary = positive("maxVocabulary", maxVocabulary, 16000);
            if (hidden % heads != 0 || (hidden / heads) % 2 != 0) {
                throw new IllegalArgumentException("hidden (" + hidden + ") must be divisible by heads (" + heads
                        + ") into an even head size");
            }
            if (heads % kvHeads != 0) {
                throw new IllegalArgumentException("heads (" + heads + ") must be a multiple of kvHeads (" + kvHeads + ")");
            }
            dtype = dtype == null ? "float32" : dtype;
            if (!List.of("float32", "bfloat16", "float16").contains(dtype)) {
                throw new IllegalArgumentException("dtype '" + dtype + "' is not supported; valid: float32, bfloat16, float16");
            }
        }

        private static int positive(String field, Integer value, int fallback) {
            int v = value == null ? fallback : value;
            if (v < 1) {
                throw new IllegalArgumentException(field + " must be >= 1, got " + v);
            }
            return v;
        }
    }

    static final List<String> FREEZABLE = List.of("embeddings", "head");

    /** LoRA settings (PEFT's names and defaults), or an adapter to continue from. */
    public record Lora(
            @JsonPropertyDescription("r (default 8)") Integer rank,
            @JsonPropertyDescription("lora_alpha (default 8); the update is scaled by alpha / rank") Double alpha,
            @JsonPropertyDescription("lora_dropout (default 0)") Double dropout,
            @JsonPropertyDescription("projections (default q_proj, v_proj, PEFT's choice for Llama and Qwen2)")
            List<String> targetModules,
            @JsonPropertyDescription("a PEFT adapter folder (adapter_config.json + adapter_model.safetensors, "
                    + "relative to the data root) to load instead of new adapters; its own settings "
                    + "apply")
            String path) {
        public Lora {
            if (path != null && (rank != null || alpha != null || dropout != null || targetModules != null)) {
                throw new IllegalArgumentException("lora: give either path (an adapter, with its own settings) or"
                        + " rank/alpha/dropout/targetModules, not both");
            }
        }

        LoraConfig config() {
            return new LoraConfig(rank == null ? 8 : rank, alpha == null ? 8.0 : alpha, dropout == null ? 0.0 : dropout,
                    targetModules == null ? LoraConfig.DEFAULT_MODULES : targetModules);
        }
    }

    @Override
    public BackboneLoader bind(Params params) {
        return new BackboneLoader() {
            @Override
            public Backbone open(BackboneRequest request) throws IOException {
                return LlamaBackboneProvider.this.open(params, request);
            }

            @Override
            public void check(PluginContext context) throws IOException {
                checkFiles(params, context);
            }
        };
    }

    /**
     * What open refuses about the named files, from the headers alone (config.json, tensor names and shapes),
     * for validate; open confines the same files and lets the loader check them as it reads.
     */
    private static void checkFiles(Params params, PluginContext context) throws IOException {
        confineFiles(params, context);
        if (params.path() != null) {
            Path folder = context.resolveData(params.path());
            LlamaConfig config = LlamaLoader.readConfig(folder);
            if (!Files.isRegularFile(folder.resolve("tokenizer.json"))) {
                throw new IOException(folder + ": no tokenizer.json");
            }
            CheckpointLayout.read(folder, config);
        }
        if (params.lora() != null && params.lora().path() != null) {
            Path folder = context.resolveData(params.lora().path());
            try {
                LoraConfig.readPeft(folder);
                if (!Files.isRegularFile(folder.resolve(LoraConfig.WEIGHTS_FILE))) {
                    throw new IOException(folder + ": no " + LoraConfig.WEIGHTS_FILE);
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("backbone.params.lora.path: " + e.getMessage(), e);
            }
        }
    }

    /** Every file of the checkpoint and adapter folders through the confined resolver, before any is read. */
    private static void confineFiles(Params params, PluginContext context) {
        if (params.path() != null) {
            Path folder = context.resolveData(params.path());
            confine(context, folder, "backbone.params.path", LlamaLoader.metadataFiles(folder));
            confine(context, folder, "backbone.params.path", LlamaLoader.weightFiles(folder));
        }
        if (params.lora() != null && params.lora().path() != null) {
            Path folder = context.resolveData(params.lora().path());
            confine(context, folder, "backbone.params.lora.path",
                    List.of(folder.resolve(LoraConfig.CONFIG_FILE), folder.resolve(LoraConfig.WEIGHTS_FILE)));
        }
    }

    private Backbone open(Params params, BackboneRequest request) throws IOException {
        confineFiles(params, request.context()); // the loader then checks each file as it reads it
        Device device = Device.fromName(request.device());
        DataType dtype = switch (params.dtype()) {
            case "bfloat16" -> DataType.BFLOAT16;
            case "float16" -> DataType.FLOAT16;
            default -> DataType.FLOAT32;
        };
        if (dtype != DataType.FLOAT32 && !device.isGpu()) {
            throw new IllegalArgumentException("backbone.params.dtype: " + params.dtype()
                    + " needs a GPU device; on " + device + " use float32");
        }
        Path folder;
        List<String> itemTokens = List.of(); // the tiny preset's vocabulary holds them already: built from the corpus
        if (params.path() != null) {
            folder = request.context().resolveData(params.path());
            itemTokens = request.itemTokens();
            if (!itemTokens.isEmpty() && (params.lora() != null || !params.freeze().isEmpty())) {
                throw new IllegalArgumentException("backbone.params." + (params.lora() != null ? "lora" : "freeze")
                        + ": items as codes add " + itemTokens.size() + " new tokens to the checkpoint, whose"
                        + " embedding rows must train, and " + (params.lora() != null ? "lora" : "freeze")
                        + " keeps them at their initial values; use full fine-tuning (no lora, no freeze)"
                        + " or items.representation \"title\"");
            }
        } else {
            folder = request.context().workDirectory().resolve("tiny-backbone");
            TinyPreset.create(folder, request.corpus(), request.context().seed(), new TinyPreset.Sizes(
                    params.layers(), params.hidden(), params.heads(), params.kvHeads(), params.intermediate(),
                    params.maxVocabulary()));
        }
        LlamaBackbone backbone = LlamaLoader.open(folder, device, dtype, itemTokens, request.context().workDirectory(),
                request.context().seed());
        try {
            if (params.lora() != null) {
                backbone.useAdapters(adapters(params.lora(), backbone, request));
            } else if (!params.freeze().isEmpty()) {
                backbone.freeze(frozenWeights(params.freeze(), backbone.config()));
            }
            try {
                backbone.useDropout(params.dropout());
                backbone.checkpointActivations(params.gradientCheckpointing());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("backbone.params: " + e.getMessage(), e);
            }
            return backbone;
        } catch (IOException | RuntimeException e) {
            backbone.close();
            throw e;
        }
    }

    private static LoraAdapters adapters(Lora lora, LlamaBackbone backbone, BackboneRequest request) throws IOException {
        Map<String, ai.djl.ndarray.NDArray> weights = backbone.allWeights();
        int layers = backbone.config().layers();
        if (lora.path() != null) {
            try {
                // confineFiles confined the adapter's files when the backbone was opened
                return LoraAdapters.load(request.context().resolveData(lora.path()), weights, layers, backbone.manager());
            } catch (IOException e) {
                throw new IllegalArgumentException("backbone.params.lora.path: " + e.getMessage(), e);
            }
        }
        try {
            return LoraAdapters.create(lora.config(), weights, layers, backbone.manager(), request.context().seed());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("backbone.params." + e.getMessage(), e);
        }
    }

    /**
     * Each file the loader will read, through the context's confined resolver: a file of the folder that is a
     * link (or a link to a link) out of the folder or the allowed roots is refused before anything is read.
     */
    private static void confine(PluginContext context, Path folder, String field, List<Path> files) {
        for (Path file : files) {
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                context.resolveDataFile(folder, field, folder.relativize(file).toString());
            }
        }
    }

    /** The weight names of the frozen parts; a head tied to the embeddings is frozen with them or not at all. */
    static Set<String> frozenWeights(List<String> parts, LlamaConfig config) {
        boolean embeddings = parts.contains("embeddings");
        boolean head = parts.contains("head");
        if (config.tieWordEmbeddings() && embeddings != head) {
            throw new IllegalArgumentException("backbone.params.freeze: this model ties its head to the embeddings"
                    + " (tie_word_embeddings); freeze both, [\"embeddings\", \"head\"], or neither");
        }
        Set<String> names = new HashSet<>();
        if (embeddings) {
            names.add(LlamaBackbone.EMBEDDINGS);
        }
        if (head && !config.tieWordEmbeddings()) {
            names.add(CheckpointLayout.LM_HEAD);
        }
        return names;
    }
}
