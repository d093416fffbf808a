package org.cftrec.trainer.torch;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cftrec.api.AtomicFiles;
import org.cftrec.api.train.EpochOrder;
import org.cftrec.api.train.TokenizedExample;
import org.cftrec.api.train.TrainerParams;
import org.cftrec.api.train.TrainingData;
import org.cftrec.api.train.TrainingJob;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntFunction;

/**
 * What the workers read, written into the variant's {@code torchrun} folder: {@code job.json} (hyper-parameters,
 * objective, the example order of every epoch, paths), {@code train.jsonl} / {@code valid.jsonl} (one example per
 * line: factual, counterfactual and target ids, target weights), the starting checkpoint ({@code start/}, the
 * backbone's own Hugging Face layout) and the worker script. The step plan (steps per epoch, total steps, when to
 * validate) is computed here as the {@code cpu} trainer computes it.
 */
final class WorkFolder {
    static final String WORKER = "cftrec_worker.py";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path folder;

    private WorkFolder(Path folder) {
        this.folder = folder;
    }

    Path folder() {
        return folder;
    }

    Path worker() {
        return folder.resolve(WORKER);
    }

    Path stopFile() {
        return folder.resolve("STOP");
    }

    Path trained() {
        return folder.resolve("trained");
    }

    Path log() {
        return folder.resolve("worker.log");
    }

    /** Writes everything the workers need; returns the planned number of optimiser steps. */
    static WorkFolder prepare(TrainingJob job, TorchrunParams params, Path folder) throws IOException {
        WorkFolder work = new WorkFolder(folder);
        Files.createDirectories(folder);
        Files.deleteIfExists(work.stopFile());
        try (InputStream script = WorkFolder.class.getResourceAsStream(WORKER)) {
            if (script == null) {
                throw new IOException("the bundle lacks its worker script " + WORKER);
            }
            AtomicFiles.write(work.worker(), script.readAllBytes());
        }
        TrainingData data = job.data();
        writeExamples(folder.resolve("train.jsonl"), data.trainingExamples(), data::trainingExample);
        writeExamples(folder.resolve("valid.jsonl"), data.validationExamples(), data::validationExample);
        Path start = folder.resolve("start");
        if (job.resumeFrom() == null || !Files.isDirectory(start)) {
            AtomicFiles.deleteRecursively(start);
            job.backbone().save(start);
        }
        AtomicFiles.write(folder.resolve("job.json"), JSON.writeValueAsBytes(describe(job, params, work, start)));
        return work;
    }

    private static ObjectNode describe(TrainingJob job, TorchrunParams params, WorkFolder work, Path start) {
        TrainerParams p = params.training();
        int n = job.data().trainingExamples();
        int perStep = p.microBatch() * p.accumulation();
        int stepsPerEpoch = (n + perStep - 1) / perStep;
        int planned = p.epochs() * stepsPerEpoch;
        ObjectNode root = JSON.createObjectNode();
        root.put("seed", job.seed());
        root.set("params", JSON.valueToTree(p));
        ((ObjectNode) root.get("params")).put("schedule", p.schedule().name());
        ObjectNode objective = root.putObject("objective");
        objective.put("alpha", job.data().objective().alpha());
        objective.put("weightScope", job.data().objective().weightScope().name());
        root.put("padId", job.data().padTokenId());
        root.put("stepsPerEpoch", stepsPerEpoch);
        root.put("totalSteps", p.maxSteps() > 0 ? Math.min(planned, p.maxSteps()) : planned);
        root.put("evalEvery", p.evalEvery() > 0 ? p.evalEvery() : stepsPerEpoch);
        ArrayNode orders = root.putArray("orders");
        for (int epoch = 0; epoch < p.epochs(); epoch++) {
            ArrayNode order = orders.addArray();
            for (int index : EpochOrder.of(p, n, job.seed(), epoch)) {
                order.add(index);
            }
        }
        root.put("backend", params.backend().name().toLowerCase(java.util.Locale.ROOT));
        root.put("device", params.device().name().toLowerCase(java.util.Locale.ROOT));
        root.put("bf16", params.bf16());
        root.put("sharding", params.sharding().name().toLowerCase(java.util.Locale.ROOT));
        root.put("threads", params.threads());
        root.put("model", start.toString());
        root.put("checkpoints", job.checkpointDirectory().toString());
        root.put("resumeFrom", job.resumeFrom() == null ? null : job.resumeFrom().toString());
        root.put("stopFile", work.stopFile().toString());
        return root;
    }

    private static void writeExamples(Path file, int count, IntFunction<TokenizedExample> example) throws IOException {
        AtomicFiles.write(file, (OutputStream out) -> {
            try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
                json.setRootValueSeparator(null);
                for (int i = 0; i < count; i++) {
                    TokenizedExample e = example.apply(i);
                    json.writeStartObject();
                    writeArray(json, "f", e.factual());
                    writeArray(json, "c", e.counterfactual());
                    writeArray(json, "t", e.target());
                    json.writeFieldName("w");
                    json.writeStartArray();
                    for (float w : e.weights()) {
                        json.writeNumber(w);
                    }
                    json.writeEndArray();
                    json.writeEndObject();
                    json.writeRaw('\n');
                }
            }
        });
    }

    private static void writeArray(JsonGenerator json, String name, long[] values) throws IOException {
        json.writeFieldName(name);
        json.writeArray(values, 0, values.length);
    }
}
