package org.cftrec.runtime.run;

import org.cftrec.api.run.RunInfo;
import org.cftrec.api.run.RunStatus;

import java.nio.file.Path;
import java.time.Instant;

/** The on-disk form of {@link RunInfo} (times as ISO-8601 text, the directory implied by the file's place). */
record StatusFile(String id, String name, RunStatus status, String stage, double progress, String message,
                  String started, String ended) {

    static StatusFile of(RunInfo info) {
        return new StatusFile(info.id(), info.name(), info.status(), info.stage(), info.progress(), info.message(),
                info.started() == null ? null : info.started().toString(),
                info.ended() == null ? null : info.ended().toString());
    }

    RunInfo toInfo(Path directory) {
        return new RunInfo(id, name, status, directory, stage, progress, message,
                started == null ? null : Instant.parse(started), ended == null ? null : Instant.parse(ended));
    }
}
