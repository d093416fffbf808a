package org.cftrec.trainer.torch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Whether an allowed Python can run the worker: it must import {@code torch.distributed}. Asked once per Python
 * and runtime (about a second: importing torch), at validation, so that a Python without PyTorch (a pyenv or
 * conda {@code python3} first on the PATH) is named before a run starts, not deep in a worker's log.
 */
final class PythonCheck {
    private static final long TIMEOUT_SECONDS = 120;
    /** The Pythons found able to import torch.distributed. */
    private static final Set<String> ABLE = ConcurrentHashMap.newKeySet();

    private PythonCheck() {
    }

    /** @throws IllegalArgumentException naming the Python, where it lives, what failed and how to choose another */
    static void requireTorch(String python, List<String> allowed) {
        if (ABLE.contains(python)) {
            return;
        }
        String output;
        int status;
        try {
            Process probe = new ProcessBuilder(python, "-c",
                    "import sys; print(sys.executable); import torch.distributed, torch; print('torch', torch.__version__)")
                    .redirectErrorStream(true).start();
            probe.getOutputStream().close();
            if (!probe.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                probe.destroyForcibly();
                throw new IllegalArgumentException("python '" + python + "': importing torch took over "
                        + TIMEOUT_SECONDS + " s; is the machine overloaded?");
            }
            output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            status = probe.exitValue();
        } catch (IOException e) {
            throw new IllegalArgumentException("python '" + python + "' cannot be started (" + e.getMessage()
                    + "); choose one of the allowed Pythons with trainer.params.python: " + allowed, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking python '" + python + "'", e);
        }
        if (status != 0) {
            String[] lines = output.split("\n");
            String where = lines.length > 0 && lines[0].startsWith("/") ? " (" + lines[0] + ")" : "";
            throw new IllegalArgumentException("python '" + python + "'" + where + " cannot import torch.distributed ("
                    + lines[lines.length - 1] + "): the torchrun workers need PyTorch. Choose a Python that has it with"
                    + " trainer.params.python, one of " + allowed + " (Debian: /usr/bin/python3 with python3-torch"
                    + " and libopenblas0-pthread)");
        }
        ABLE.add(python);
    }
}
