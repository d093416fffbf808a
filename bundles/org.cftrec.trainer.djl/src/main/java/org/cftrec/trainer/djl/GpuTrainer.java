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

/**
 * Plugin {@code gpu}: the same loop on one CUDA device ({@code device} = its index). It never falls back to
 * the CPU: without a visible GPU it fails with a message saying how to get CUDA natives.
 */
@Component(service = TrainerPlugin.class)
@PluginName(name = "gpu", description = "the cpu trainer's loop on one CUDA device (params.device = index)")
public class GpuTrainer implements TrainerPlugin<TrainerParams> {

    @Override
    public Trainer bind(TrainerParams params) {
        return new BoundTrainer(() -> device(params), job -> train(job, params));
    }

    private String device(TrainerParams params) {
        Engine engine = Engine.getInstance();
        int visible = engine.getGpuCount();
        if (params.device() >= visible) {
            throw new IllegalStateException("trainer 'gpu': no CUDA device gpu(" + params.device() + "); DJL's "
                    + engine.getEngineName() + " " + engine.getVersion() + " engine sees " + visible
                    + " GPU(s). The default distribution ships CPU natives only: see README, 'Running on a GPU'.");
        }
        return "gpu" + params.device();
    }

    private TrainingResult train(TrainingJob job, TrainerParams params) throws IOException {
        device(params);
        return new TrainingLoop(job, params).run();
    }
}
