package org.cftrec.trainer.djl;

import org.cftrec.api.train.TrainerParams;
import org.cftrec.api.PluginName;
import org.cftrec.api.train.TrainerPlugin;
import org.cftrec.api.train.Trainer;
import org.osgi.service.component.annotations.Component;


/** Plugin {@code cpu}: the training loop on the CPU, float32. */
@Component(service = TrainerPlugin.class)
@PluginName(name = "cpu",
        description = "AdamW on the CPU: warm-up/decay, accumulation, clipping, early stopping, exact resume")
public class CpuTrainer implements TrainerPlugin<TrainerParams> {

    @Override
    public Trainer bind(TrainerParams params) {
        return new BoundTrainer(() -> "cpu", job -> new TrainingLoop(job, params).run());
    }
}
