package org.cftrec.backbone.llama;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import org.cftrec.api.PluginKind;
import org.cftrec.api.model.Backbone;
import org.cftrec.api.model.BackboneProvider;
import org.cftrec.api.model.BackboneRequest;
import org.osgi.service.component.annotations.Component;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Plugin {@code llama}: Llama / Qwen2 / Mistral-family checkpoints in the Hugging Face layout, or the tiny preset. */
@Component(service = BackboneProvider.class, property = PluginKind.NAME_PROPERTY + "=llama")
public class LlamaBackboneProvider implements BackboneProvider<LlamaBackboneProvider.Params> {

    /**
     * @param preset        {@code tiny}: a new random model sized by the fields below (default when no path)
     * @param path          a Hugging Face checkpoint folder (relative to the data root); excludes preset
     * @param layers        tiny preset: decoder layers (default 4)
     * @param hidden        tiny preset: hidden size (default 256)
     * @param heads         tiny preset: attention heads (default 4)
     * @param kvHeads       tiny preset: key-value heads (default = heads)
     * @param intermediate  tiny preset: SwiGLU width (default 688)
     * @param maxVocabulary tiny preset: vocabulary cap, special tokens included (default 16000)
     * @param dtype         float32 (default), bfloat16 or float16 (GPU only)
     */
    public record Params(String preset, String path, Integer layers, Integer hidden, Integer heads, Integer kvHeads,
                         Integer intermediate, Integer maxVocabulary, String dtype) {
        public Params {
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

    @Override
    public Class<Params> parameterType() {
        return Params.class;
    }

    @Override
    public String description() {
        return "Llama/Qwen2/Mistral decoder from a Hugging Face folder, or the tiny preset";
    }

    @Override
    public Backbone open(Params params, BackboneRequest request) throws IOException {
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
        if (params.path() != null) {
            folder = request.context().resolveData(params.path());
        } else {
            folder = request.context().workDirectory().resolve("tiny-backbone");
            TinyPreset.create(folder, request.corpus(), request.context().seed(), new TinyPreset.Sizes(
                    params.layers(), params.hidden(), params.heads(), params.kvHeads(), params.intermediate(),
                    params.maxVocabulary()));
        }
        return LlamaLoader.open(folder, device, dtype);
    }
}
