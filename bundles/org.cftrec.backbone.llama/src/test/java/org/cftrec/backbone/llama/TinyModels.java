package org.cftrec.backbone.llama;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small models written by the tests themselves. */
final class TinyModels {
    static final List<String> CORPUS = List.of(
            "Below is an instruction that describes a task .",
            "The user has interacted with the following movies before : \"Toy Story\" , \"Heat\"",
            "\"Casino\" \"GoldenEye\" \"Sabrina\" \"Jumanji\" \"Balto\"");

    private TinyModels() {
    }

    /** 2 layers, hidden 16, 4 query heads sharing 2 key-value heads (grouped-query attention). */
    static LlamaBackbone create(Path folder, long seed) throws IOException {
        TinyPreset.create(folder, CORPUS, seed, new TinyPreset.Sizes(2, 16, 4, 2, 24, 1000));
        return LlamaLoader.open(folder, Device.cpu(), DataType.FLOAT32);
    }

    static Map<String, float[]> weights(LlamaBackbone model) {
        Map<String, float[]> copy = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
            copy.put(e.getKey(), e.getValue().toFloatArray());
        }
        return copy;
    }
}
