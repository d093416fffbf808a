package org.cftrec.trainer.torch;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.cftrec.api.train.StepMetrics;
import org.cftrec.api.train.TrainingJob;
import org.cftrec.api.train.TrainingResult;
import org.cftrec.api.train.ValidationMetrics;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One torchrun launch followed to its end: rank 0's JSON lines become the job's step, validation and message
 * events; a stop request becomes the STOP file the workers check at each step (they checkpoint and return), and
 * a launch that does not end within {@link #STOP_GRACE} after it, or whose trainer goes away, is killed with every
 * process it started. Standard error goes to {@code worker.log}; its tail names a failed rank's error.
 */
final class WorkerProcess {
    static final Duration STOP_GRACE = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build(); // Python writes NaN and Infinity

    private final Process process;
    private final WorkFolder work;

    private WorkerProcess(Process process, WorkFolder work) {
        this.process = process;
        this.work = work;
    }

    static WorkerProcess start(List<String> command, WorkFolder work) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.folder().toFile())
                .redirectError(work.log().toFile());
        builder.environment().put("PYTHONUNBUFFERED", "1");
        return new WorkerProcess(builder.start(), work);
    }

    /** Follows the launch to its end; returns the workers' result. */
    TrainingResult follow(TrainingJob job) throws IOException {
        AtomicReference<JsonNode> done = new AtomicReference<>();
        AtomicReference<Exception> readFailure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    JsonNode event = parse(line);
                    if (event == null) {
                        job.listener().onMessage("torchrun: " + line);
                    } else if ("done".equals(event.path("event").asText())) {
                        done.set(event);
                    } else {
                        forward(job, event);
                    }
                }
            } catch (IOException | RuntimeException e) {
                readFailure.set(e);
            }
        }, "cftrec-torchrun-events");
        reader.setDaemon(true);
        reader.start();
        long stopSent = 0;
        try {
            while (!process.waitFor(200, TimeUnit.MILLISECONDS)) {
                if (stopSent == 0 && job.stopRequested().getAsBoolean()) {
                    Files.writeString(work.stopFile(), "stop\n");
                    stopSent = System.nanoTime();
                } else if (stopSent != 0 && System.nanoTime() - stopSent > STOP_GRACE.toNanos()) {
                    job.listener().onMessage("torchrun did not stop within " + STOP_GRACE.toSeconds() + " s; killed");
                    kill();
                }
            }
            reader.join(10_000);
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while torchrun was training; its processes were killed", e);
        }
        if (process.exitValue() != 0 || done.get() == null) {
            throw new IOException("torchrun ended with status " + process.exitValue() + ": " + errorTail() + "; "
                    + lastCheckpoint(job) + " (resume the run to continue from it); log: " + work.log());
        }
        if (readFailure.get() != null) {
            throw new IOException("reading torchrun's events failed: " + readFailure.get().getMessage(),
                    readFailure.get());
        }
        JsonNode d = done.get();
        return new TrainingResult(d.path("steps").asInt(), d.path("bestStep").asInt(),
                d.path("bestLoss").asDouble(Double.NaN), Path.of(d.path("bestCheckpoint").asText()),
                d.path("stoppedEarly").asBoolean(), d.path("reason").asText());
    }

    /** Ends the launch and every process under it (torchrun's agent and its workers). */
    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static JsonNode parse(String line) {
        if (!line.startsWith("{")) {
            return null;
        }
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            return null;
        }
    }

    private static void forward(TrainingJob job, JsonNode e) {
        switch (e.path("event").asText()) {
            case "step" -> job.listener().onStep(new StepMetrics(e.path("step").asInt(), e.path("totalSteps").asInt(),
                    e.path("epoch").asInt(), e.path("loss").asDouble(), e.path("factualLoss").asDouble(),
                    e.path("counterfactualLoss").asDouble(), e.path("learningRate").asDouble(),
                    e.path("gradientNorm").asDouble(), e.path("examplesPerSecond").asDouble()));
            case "validation" -> job.listener().onValidation(new ValidationMetrics(e.path("step").asInt(),
                    e.path("epoch").asInt(), e.path("factualLoss").asDouble(), e.path("improved").asBoolean()));
            default -> job.listener().onMessage(e.path("text").asText(e.toString()));
        }
    }

    /** The last lines of standard error that say what failed (a rank's traceback ends with its error). */
    private String errorTail() {
        try {
            List<String> lines = Files.readAllLines(work.log(), StandardCharsets.UTF_8);
            List<String> errors = lines.stream().filter(l -> l.matches("^\\S*(Error|Exception)\\b.*")
                    || l.contains("Error:") || l.contains("exitcode")).toList();
            List<String> shown = errors.isEmpty() ? lines.subList(Math.max(0, lines.size() - 5), lines.size())
                    : errors.subList(Math.max(0, errors.size() - 4), errors.size());
            return String.join(" | ", shown.stream().map(String::strip).toList());
        } catch (IOException e) {
            return "(no worker log: " + e.getMessage() + ")";
        }
    }

    private static String lastCheckpoint(TrainingJob job) {
        Path last = job.checkpointDirectory().resolve("last");
        return Files.isDirectory(last) ? "the last checkpoint is " + last : "no checkpoint was written yet";
    }
}
