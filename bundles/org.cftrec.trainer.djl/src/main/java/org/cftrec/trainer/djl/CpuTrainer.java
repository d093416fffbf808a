package org.cftrec.trainer.djl;

import org.cftrec.api.Plugin;
import org.cftrec.api.train.TrainerProvider;
import org.cftrec.api.train.TrainingJob;
import org.cftrec.api.train.TrainingResult;
import org.osgi.service.component.annotations.Component;

import java.io.IOException;

/** Plugin {@code cpu}: the training loop on the CPU, float32. */
@Component(service = TrainerProvider.class, property = Plugin.NAME_PROPERTY + "=cpu")
public class CpuTrainer implements TrainerProvider<TrainerParams> {

    @Override
    public Class<TrainerParams> parameterType() {
        return TrainerParams.class;
    }

    @Override
    public String description() {
        return "AdamW on the CPU: warm-up/decay, accumulation, clipping, early stopping, exact resume";
    }

    @Override
    public String device(TrainerParams params) {
        return "cpu";
    }

    @Override
    public TrainingResult train(TrainingJob job, TrainerParams params) throws IOException {
        return new TrainingLoop(job, params).run();
    }
}
