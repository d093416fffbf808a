package org.cftrec.trainer.torch;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.cftrec.api.train.TrainerParams;

import java.util.regex.Pattern;

/**
 * Parameters of the {@code torchrun} trainer: where and how torchrun starts the workers, and the optimisation
 * hyper-parameters (the same record the {@code cpu} trainer binds, under {@code training}).
 */
public record TorchrunParams(
        @JsonPropertyDescription("the Python that runs torchrun; one of the executables the runtime allows "
                + "(CFTREC_PYTHONS, default python3)") String python,
        @JsonPropertyDescription("machines taking part (torchrun --nnodes)") Integer nnodes,
        @JsonPropertyDescription("worker processes per machine (torchrun --nproc_per_node)") Integer nprocPerNode,
        @JsonPropertyDescription("host:port of the rendezvous (c10d) for several machines; empty = this machine "
                + "alone (torchrun --standalone)") String rdzvEndpoint,
        @JsonPropertyDescription("collective backend: gloo (CPU) or nccl (CUDA)") Backend backend,
        @JsonPropertyDescription("where each worker computes: cpu, or cuda (the worker's LOCAL_RANK-th GPU)")
        Device device,
        @JsonPropertyDescription("bf16 autocast on CUDA (ignored on the CPU)") Boolean bf16,
        @JsonPropertyDescription("where gradients and AdamW moments live: none (DDP: every worker keeps all), "
                + "optimizer (ZeRO stage 2: each weight's summed gradient and moments on one worker, which updates "
                + "it and broadcasts it)") Sharding sharding,
        @JsonPropertyDescription("torch threads per worker (0 = torchrun's default: 1 with several workers)")
        Integer threads,
        @JsonPropertyDescription("optimisation: as the cpu trainer's parameters") TrainerParams training) {

    /** The collective backends torch.distributed offers for this purpose. */
    public enum Backend {
        @JsonProperty("gloo") GLOO,
        @JsonProperty("nccl") NCCL
    }

    /** Where a worker computes. */
    public enum Device {
        @JsonProperty("cpu") CPU,
        @JsonProperty("cuda") CUDA
    }

    /** How the optimiser's state is spread over the workers; the weights are whole on every worker either way. */
    public enum Sharding {
        @JsonProperty("none") NONE,
        @JsonProperty("optimizer") OPTIMIZER
    }

    private static final Pattern ENDPOINT = Pattern.compile("[A-Za-z0-9.\\-\\[\\]:]+:[0-9]{1,5}");

    public TorchrunParams {
        python = python == null ? "python3" : python;
        nnodes = positive("nnodes", nnodes, 1);
        nprocPerNode = positive("nprocPerNode", nprocPerNode, 1);
        rdzvEndpoint = rdzvEndpoint == null ? "" : rdzvEndpoint.strip();
        if (!rdzvEndpoint.isEmpty() && !ENDPOINT.matcher(rdzvEndpoint).matches()) {
            throw new IllegalArgumentException("rdzvEndpoint must be host:port, got '" + rdzvEndpoint + "'");
        }
        if (nnodes > 1 && rdzvEndpoint.isEmpty()) {
            throw new IllegalArgumentException("rdzvEndpoint is required with nnodes " + nnodes
                    + ": the host:port every machine meets at");
        }
        backend = backend == null ? Backend.GLOO : backend;
        device = device == null ? Device.CPU : device;
        bf16 = bf16 != null && bf16;
        sharding = sharding == null ? Sharding.NONE : sharding;
        threads = threads == null ? 0 : threads;
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
        training = training == null ? TrainerParams.defaults() : training;
        if (training.selectBy() != TrainerParams.Selection.LOSS) {
            throw new IllegalArgumentException("training.selectBy " + training.selectBy().metric().toLowerCase(
                    java.util.Locale.ROOT) + ": the torchrun workers select by validation L_n only (ranking needs the"
                    + " runtime's evaluator); use selectBy loss, or the cpu or gpu trainer");
        }
        long workers = (long) nnodes * nprocPerNode;
        if (workers > training.accumulation()) {
            throw new IllegalArgumentException("nnodes x nprocPerNode = " + workers + " workers, but a step has "
                    + training.accumulation() + " micro-batch(es) (training.accumulation) and micro-batch i runs on"
                    + " worker i mod " + workers + ", so " + (workers - training.accumulation()) + " worker(s) would"
                    + " only wait; set training.accumulation to at least " + workers + " (a multiple of it keeps"
                    + " the workers evenly loaded) or start fewer workers");
        }
    }

    /**
     * Checks {@code nprocPerNode} against what this machine has: its cores for CPU workers, its NVIDIA GPUs for
     * CUDA workers (one per worker). Every machine of a launch starts {@code nprocPerNode} workers, this one too.
     *
     * @param cores the cores this JVM sees
     * @param gpus  the NVIDIA GPUs this machine shows, or -1 where that cannot be told
     */
    void checkMachine(int cores, int gpus) {
        if (device == Device.CPU && nprocPerNode > cores) {
            throw new IllegalArgumentException("nprocPerNode " + nprocPerNode + ": this machine has " + cores
                    + " core(s), and each CPU worker is a process that needs one; use at most " + cores);
        }
        if (device == Device.CUDA && gpus >= 0 && nprocPerNode > gpus) {
            throw new IllegalArgumentException("nprocPerNode " + nprocPerNode + " with device cuda: this machine"
                    + " shows " + gpus + " NVIDIA GPU(s) (/proc/driver/nvidia/gpus), one per worker; use at most "
                    + gpus + (gpus == 0 ? ", or device cpu" : ""));
        }
    }

    private static int positive(String name, Integer value, int fallback) {
        int v = value == null ? fallback : value;
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + v);
        }
        return v;
    }
}
