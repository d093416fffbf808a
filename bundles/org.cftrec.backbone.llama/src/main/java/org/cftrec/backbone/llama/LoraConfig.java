package org.cftrec.backbone.llama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A LoRA adapter's settings, as Hugging Face PEFT's {@code LoraConfig} names them: W x + (alpha / r) B A x on
 * every targeted projection, A [r, in] and B [out, r].
 *
 * @param rank          r (PEFT {@code r})
 * @param alpha         {@code lora_alpha}; the update is scaled by alpha / r
 * @param dropout       {@code lora_dropout}, on the adapter's input while training
 * @param targetModules projection names ({@code q_proj}, {@code k_proj}, {@code v_proj}, {@code o_proj},
 *                      {@code gate_proj}, {@code up_proj}, {@code down_proj})
 */
record LoraConfig(int rank, double alpha, double dropout, List<String> targetModules) {
    static final List<String> MODULES = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
            "down_proj");
    /** PEFT's default for Llama and Qwen2 ({@code TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING}). */
    static final List<String> DEFAULT_MODULES = List.of("q_proj", "v_proj");
    static final String CONFIG_FILE = "adapter_config.json";
    static final String WEIGHTS_FILE = "adapter_model.safetensors";

    LoraConfig {
        if (rank < 1) {
            throw new IllegalArgumentException("lora.rank must be >= 1, got " + rank);
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("lora.alpha must be a finite number > 0, got " + alpha);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("lora.dropout must be in [0, 1), got " + dropout);
        }
        targetModules = List.copyOf(targetModules);
        if (targetModules.isEmpty()) {
            throw new IllegalArgumentException("lora.targetModules must name at least one projection; valid: " + MODULES);
        }
        for (String m : targetModules) {
            if (!MODULES.contains(m)) {
                throw new IllegalArgumentException("lora.targetModules: '" + m + "' is not a projection; valid: " + MODULES);
            }
        }
    }

    double scale() {
        return alpha / rank;
    }

    /** The PEFT {@code adapter_config.json} of these settings. */
    ObjectNode toPeft(ObjectMapper json, String baseModel) {
        ObjectNode node = json.createObjectNode();
        node.put("peft_type", "LORA");
        node.put("task_type", "CAUSAL_LM");
        node.put("base_model_name_or_path", baseModel);
        node.put("r", rank);
        node.put("lora_alpha", alpha);
        node.put("lora_dropout", dropout);
        targetModules.forEach(node.putArray("target_modules")::add);
        node.put("bias", "none");
        node.put("fan_in_fan_out", false);
        node.put("use_rslora", false);
        node.put("use_dora", false);
        node.put("inference_mode", true);
        node.putNull("modules_to_save");
        return node;
    }

    /** Reads a PEFT {@code adapter_config.json}; settings this backbone cannot apply are refused by name. */
    static LoraConfig readPeft(Path folder) throws IOException {
        Path file = folder.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IOException(folder + ": no " + CONFIG_FILE + " (a PEFT LoRA adapter folder has "
                    + CONFIG_FILE + " and " + WEIGHTS_FILE + ")");
        }
        JsonNode node = new ObjectMapper().readTree(file.toFile());
        require(file, node.path("peft_type").asText("").equals("LORA"), "peft_type must be LORA");
        require(file, node.path("bias").asText("none").equals("none"), "bias must be none");
        require(file, !node.path("use_dora").asBoolean(false), "use_dora is not supported");
        require(file, !node.path("use_rslora").asBoolean(false), "use_rslora is not supported");
        require(file, !node.path("fan_in_fan_out").asBoolean(false), "fan_in_fan_out is not supported");
        require(file, node.path("modules_to_save").isNull() || node.path("modules_to_save").isMissingNode(),
                "modules_to_save is not supported");
        require(file, node.path("r").canConvertToInt(), "r must be an integer");
        List<String> targets = new ArrayList<>();
        JsonNode t = node.path("target_modules");
        require(file, t.isArray(), "target_modules must be a list of projection names");
        t.forEach(n -> targets.add(n.asText()));
        try {
            return new LoraConfig(node.path("r").asInt(), node.path("lora_alpha").asDouble(8),
                    node.path("lora_dropout").asDouble(0), targets);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static void require(Path file, boolean ok, String what) throws IOException {
        if (!ok) {
            throw new IOException(file + ": " + what);
        }
    }
}
