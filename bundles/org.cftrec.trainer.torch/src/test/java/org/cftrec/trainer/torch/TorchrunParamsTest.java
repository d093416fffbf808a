package org.cftrec.trainer.torch;

import org.cftrec.api.train.TrainerParams;
import org.junit.Test;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

/** Worker counts bounded by what a step and the machine can use, refused with the field and the remedy. */
public class TorchrunParamsTest {
    private static TrainerParams accumulation(int micro) {
        return new TrainerParams(null, null, null, null, null, null, null, null, micro, null, null, null, null, null,
                null, null);
    }

    private static TorchrunParams workers(Integer nnodes, Integer perNode, TorchrunParams.Device device, int micro) {
        return new TorchrunParams(null, nnodes, perNode, nnodes != null && nnodes > 1 ? "node1:29500" : null, null,
                device, null, null, null, accumulation(micro));
    }

    @Test
    public void moreWorkersThanMicroBatchesOfAStepAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> workers(null, 100_000, null, 4));
        assertEquals("nnodes x nprocPerNode = 100000 workers, but a step has 4 micro-batch(es) (training.accumulation)"
                + " and micro-batch i runs on worker i mod 100000, so 99996 worker(s) would only wait; set"
                + " training.accumulation to at least 100000 (a multiple of it keeps the workers evenly loaded) or"
                + " start fewer workers", e.getMessage());
        // the product is taken in 64 bits: two large factors cannot wrap around to a small count
        assertThrows(IllegalArgumentException.class, () -> workers(65_536, 65_536, null, 4));
        workers(2, 8, TorchrunParams.Device.CUDA, 16); // 16 workers, 16 micro-batches: accepted
    }

    @Test
    public void workersPerMachineAreBoundedByItsCoresOrGpus() {
        TorchrunParams cpu = workers(null, 4, null, 4);
        cpu.checkMachine(4, 0);
        assertEquals("nprocPerNode 4: this machine has 2 core(s), and each CPU worker is a process that needs one;"
                + " use at most 2", assertThrows(IllegalArgumentException.class, () -> cpu.checkMachine(2, 0)).getMessage());
        TorchrunParams cuda = workers(null, 4, TorchrunParams.Device.CUDA, 4);
        cuda.checkMachine(2, 4);
        cuda.checkMachine(2, -1); // the driver's list unreadable: the launch itself will tell
        assertEquals("nprocPerNode 4 with device cuda: this machine shows 0 NVIDIA GPU(s) (/proc/driver/nvidia/gpus),"
                + " one per worker; use at most 0, or device cpu",
                assertThrows(IllegalArgumentException.class, () -> cuda.checkMachine(64, 0)).getMessage());
    }

    @Test
    public void aPythonWithoutPyTorchIsNamedAtValidation() throws Exception {
        // A Python that surely lacks torch: the test JVM's own launcher of a script that fails like a bare python.
        java.nio.file.Path fake = java.nio.file.Files.createTempFile("python-without-torch", "");
        java.nio.file.Files.writeString(fake, "#!/bin/sh\necho /opt/bare/bin/python3\n"
                + "echo \"ModuleNotFoundError: No module named 'torch'\"\nexit 1\n");
        fake.toFile().setExecutable(true);
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PythonCheck.requireTorch(fake.toString(), java.util.List.of(fake.toString(), "/usr/bin/python3")));
            assertEquals("python '" + fake + "' (/opt/bare/bin/python3) cannot import torch.distributed"
                    + " (ModuleNotFoundError: No module named 'torch'): the torchrun workers need PyTorch. Choose a"
                    + " Python that has it with trainer.params.python, one of [" + fake + ", /usr/bin/python3] (Debian:"
                    + " /usr/bin/python3 with python3-torch and libopenblas0-pthread)", e.getMessage());
        } finally {
            java.nio.file.Files.delete(fake);
        }
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> PythonCheck.requireTorch("/no/such/python", java.util.List.of("/no/such/python")));
        assertEquals(true, missing.getMessage().startsWith("python '/no/such/python' cannot be started ("));
    }
}
