package org.cftrec.trainer.torch;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * The torchrun command line, as a list of arguments (no shell: nothing from the spec is ever evaluated). One
 * machine gets a rendezvous on a free local port; several meet at {@code rdzvEndpoint}.
 */
final class TorchrunLauncher {
    private TorchrunLauncher() {
    }

    static List<String> command(TorchrunParams params, String python, WorkFolder work, long seed) throws IOException {
        List<String> command = new ArrayList<>(List.of(python, "-m", "torch.distributed.run",
                "--nnodes", String.valueOf(params.nnodes()),
                "--nproc_per_node", String.valueOf(params.nprocPerNode()),
                "--rdzv_backend", "c10d",
                "--rdzv_endpoint", params.rdzvEndpoint().isEmpty() ? "localhost:" + freePort() : params.rdzvEndpoint(),
                "--rdzv_id", "cftrec-" + seed, // the other machines of a multi-node run pass the same

                "--max_restarts", "0",
                // Workers' standard error to files under logs/ and echoed (tee) to torchrun's, which the plugin
                // keeps in worker.log; standard output (rank 0's events) stays as it is. Not "0": torch 1.13 on
                // Python 3.11 (Debian 12) parses the default "0" to nothing and fails before starting a worker.
                "--redirects", "2", "--tee", "2", "--log_dir", work.folder().resolve("logs").toString()));
        command.add(work.worker().toString());
        command.add(work.folder().toString());
        return command;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
