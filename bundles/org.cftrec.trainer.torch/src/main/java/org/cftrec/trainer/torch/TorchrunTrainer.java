package org.cftrec.trainer.torch;

import org.cftrec.api.PluginName;
import org.cftrec.api.train.Trainer;
import org.cftrec.api.train.TrainerPlugin;
import org.cftrec.api.train.TrainingJob;
import org.cftrec.api.train.TrainingResult;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plugin {@code torchrun}: the CFT training step on PyTorch distributed. The runtime's tokenized examples and the
 * starting checkpoint go into the variant's {@code torchrun} folder, torchrun starts the workers (the script
 * shipped in this bundle), and the trained weights come back into the backbone, which the runtime then evaluates
 * as after any trainer. Everything else of a run (data, prompts, weighting, evaluation, reports) stays in the
 * runtime.
 */
@Component(service = TrainerPlugin.class)
@PluginName(name = "torchrun",
        description = "PyTorch distributed (torchrun; gloo on CPUs, NCCL on GPUs): the same CFT step, several processes or machines")
public class TorchrunTrainer implements TrainerPlugin<TorchrunParams> {

    /**
     * Executables a spec may name as {@code python}: CFTREC_PYTHONS (colon-separated), else {@code python3} (the
     * first on the runtime's PATH) and {@code /usr/bin/python3} (Debian's, where {@code python3-torch} installs).
     */
    static List<String> allowedPythons() {
        String configured = System.getenv("CFTREC_PYTHONS");
        return configured == null || configured.isBlank() ? List.of("python3", "/usr/bin/python3")
                : Arrays.stream(configured.split(":")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** Launches still running: killed with all their processes when this component goes away. */
    private final Set<WorkerProcess> running = ConcurrentHashMap.newKeySet();

    @Override
    public Trainer bind(TorchrunParams params) {
        if (!allowedPythons().contains(params.python())) {
            throw new IllegalArgumentException("python '" + params.python() + "' is not one the runtime allows: "
                    + allowedPythons() + " (an administrator lists them in CFTREC_PYTHONS, colon-separated)");
        }
        params.checkMachine(Runtime.getRuntime().availableProcessors(), nvidiaGpus());
        PythonCheck.requireTorch(params.python(), allowedPythons());
        return new Trainer() {
            @Override
            public String device() {
                return "cpu"; // the runtime's copy of the model only exports, receives and evaluates
            }

            @Override
            public TrainingResult train(TrainingJob job) throws IOException {
                return TorchrunTrainer.this.train(job, params);
            }
        };
    }

    private TrainingResult train(TrainingJob job, TorchrunParams params) throws IOException {
        WorkFolder work = WorkFolder.prepare(job, params, job.checkpointDirectory().resolveSibling("torchrun"));
        Set<String> trainable = job.backbone().parameters().keySet();
        Set<String> stored = TrainedWeights.names(work.folder().resolve("start").resolve("model.safetensors"));
        if (!stored.equals(Set.copyOf(trainable))) {
            throw new IllegalArgumentException("trainer 'torchrun' trains every weight of the model (full "
                    + "fine-tuning); this backbone trains " + trainable.size() + " of its " + stored.size()
                    + " tensors (LoRA or frozen weights): use the cpu or gpu trainer for those");
        }
        List<String> command = TorchrunLauncher.command(params, params.python(), work, job.seed());
        job.listener().onMessage("torchrun: " + params.nnodes() + " machine(s) x " + params.nprocPerNode()
                + " worker(s), backend " + params.backend().name().toLowerCase(java.util.Locale.ROOT) + "; log "
                + work.log());
        WorkerProcess worker = WorkerProcess.start(command, work);
        running.add(worker);
        TrainingResult result;
        try {
            result = worker.follow(job);
        } finally {
            running.remove(worker);
            worker.kill(); // nothing may outlive the launch
        }
        Path trained = work.trained().resolve("model.safetensors");
        TrainedWeights.copyInto(trained, job.backbone().parameters());
        return result;
    }

    /** The NVIDIA GPUs the driver lists, 0 without the driver (no GPU can be used), -1 if the list is unreadable. */
    private static int nvidiaGpus() {
        Path gpus = Path.of("/proc/driver/nvidia/gpus");
        if (!Files.isDirectory(gpus)) {
            return 0;
        }
        try (var entries = Files.list(gpus)) {
            return (int) entries.count();
        } catch (IOException e) {
            return -1;
        }
    }

    @Deactivate
    void deactivate() {
        running.forEach(WorkerProcess::kill);
        running.clear();
    }
}
