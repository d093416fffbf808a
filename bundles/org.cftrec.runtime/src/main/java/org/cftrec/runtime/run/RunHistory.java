package org.cftrec.runtime.run;

import org.cftrec.api.run.RunInfo;
import org.cftrec.runtime.spec.SpecJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The runs folder as earlier sessions left it: each run's status.json read back. */
final class RunHistory {
    private static final Logger LOG = LoggerFactory.getLogger(RunHistory.class);

    private RunHistory() {
    }

    /**
     * The runs of earlier sessions by id; those that were still running are marked interrupted when this runtime
     * owns the folder, and left as they are (another runtime's live runs) when it does not.
     */
    static Map<String, RunState> restore(Path runsRoot, boolean owner) {
        Map<String, RunState> runs = new LinkedHashMap<>();
        if (!Files.isDirectory(runsRoot)) {
            return runs;
        }
        try (var dirs = Files.list(runsRoot)) {
            for (Path dir : dirs.toList()) {
                Path status = dir.resolve("status.json");
                if (!Files.isRegularFile(status)) {
                    continue;
                }
                try {
                    StatusFile file = SpecJson.MAPPER.readValue(status.toFile(), StatusFile.class);
                    RunInfo info = file.toInfo(dir);
                    RunState state = RunState.restored(new RunDirectory(dir), info);
                    if (owner && !info.status().finished()) {
                        state.finish(StopReason.SHUTDOWN.status(), StopReason.SHUTDOWN.message());
                    }
                    runs.put(info.id(), state);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("ignoring unreadable run status {}: {}", status, e.toString());
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list runs in {}: {}", runsRoot, e.toString());
        }
        return runs;
    }
}
