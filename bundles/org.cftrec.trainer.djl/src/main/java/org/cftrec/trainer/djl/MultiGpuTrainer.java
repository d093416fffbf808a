package org.cftrec.trainer.djl;

import org.cftrec.api.train.TrainerParams;
import org.cftrec.api.PluginName;
import ai.djl.engine.Engine;
import org.cftrec.api.train.TrainerPlugin;
import org.cftrec.api.train.Trainer;
import org.cftrec.api.train.TrainingJob;
import org.cftrec.api.train.TrainingResult;
import org.osgi.service.component.annotations.Component;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Plugin {@code multi-gpu}: data parallelism over every GPU DJL sees (restrict them with
 * {@code CUDA_VISIBLE_DEVICES}): the model is trained on gpu0 and replicated on gpu1..gpuN-1, each optimiser
 * step's micro-batches are dealt to the devices (see {@link TrainingLoop}). Use {@code accumulation} >= the
 * number of GPUs so that every device gets work. Never falls back to the CPU.
 */
@Component(service = TrainerPlugin.class)
@PluginName(name = "multi-gpu",
        description = "data parallel over all visible CUDA devices (micro-batches dealt to gpu0..gpuN-1)")
public class MultiGpuTrainer implements TrainerPlugin<TrainerParams> {

    @Override
    public Trainer bind(TrainerParams params) {
        return new BoundTrainer(() -> device(params), job -> train(job, params));
    }

    private String device(TrainerParams params) {
        gpus();
        return "gpu0";
    }

    private TrainingResult train(TrainingJob job, TrainerParams params) throws IOException {
        int gpus = gpus();
        List<String> replicas = new ArrayList<>();
        for (int i = 1; i < gpus; i++) {
            replicas.add("gpu" + i);
        }
        job.listener().onMessage("multi-gpu: " + gpus + " device(s); " + params.microBatch() * params.accumulation()
                + " examples per step dealt as " + params.accumulation() + " micro-batches of " + params.microBatch());
        return new TrainingLoop(job, params, replicas).run();
    }

    private static int gpus() {
        Engine engine = Engine.getInstance();
        int visible = engine.getGpuCount();
        if (visible < 1) {
            throw new IllegalStateException("trainer 'multi-gpu': DJL's " + engine.getEngineName() + " "
                    + engine.getVersion() + " engine sees no GPU. The default distribution ships CPU natives only: "
                    + "see README, 'Running on a GPU'.");
        }
        return visible;
    }
}
