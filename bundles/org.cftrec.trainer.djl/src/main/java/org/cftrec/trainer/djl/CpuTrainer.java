package org.cftrec.trainer.djl;

import org.cftrec.api.PluginName;
import org.cftrec.api.train.TrainerPlugin;
import org.cftrec.api.train.Trainer;
import org.cftrec.api.train.TrainingJob;
import org.cftrec.api.train.TrainingResult;
import org.osgi.service.component.annotations.Component;

import java.io.IOException;

/** Plugin {@code cpu}: the training loop on the CPU, float32. */
@Component(service = TrainerPlugin.class)
@PluginName(name = "cpu",
        description = "AdamW on the CPU: warm-up/decay, accumulation, clipping, early stopping, exact resume")
public class CpuTrainer implements TrainerPlugin<TrainerParams> {

    @Override
    public Trainer bind(TrainerParams params) {
        return new Trainer() {
            @Override
            public String device() {
                return CpuTrainer.this.device(params);
            }

            @Override
            public TrainingResult train(TrainingJob job) throws IOException {
                return CpuTrainer.this.train(job, params);
            }
        };
    }

    private String device(TrainerParams params) {
        return "cpu";
    }

    private TrainingResult train(TrainingJob job, TrainerParams params) throws IOException {
        return new TrainingLoop(job, params).run();
    }
}
