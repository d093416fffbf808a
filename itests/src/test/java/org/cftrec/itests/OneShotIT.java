package org.cftrec.itests;

import org.junit.BeforeClass;
import org.junit.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/**
 * {@code bin/cftrec} of the packaged distribution, started as a user's script would start it: hostile file
 * names stay data, unknown commands and malformed command lines get one clear line, data paths are confined
 * alike in every command. A process per call (about 10 s each), so the probes are grouped into few starts.
 */
public class OneShotIT {
    /**
     * How long one command may take: 300 s on an idle machine, scaled up by the load the machine shows when the
     * class starts (a busy CI machine runs every start several times slower). Only a guard against a hung
     * process: a command that overruns it is reported as a timeout, never as a wrong result.
     */
    private static final long START_TIMEOUT_SECONDS = Math.round(300 * Math.max(1.0,
            java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()
                    / Runtime.getRuntime().availableProcessors() + 1));
    private static Path home;
    private static Path work;

    @BeforeClass
    public static void unpack() throws Exception {
        Path target = Path.of("target/oneshot").toAbsolutePath();
        if (Files.exists(target)) {
            run(List.of("rm", "-rf", target.toString()), Path.of("."));
        }
        Files.createDirectories(target);
        run(List.of("tar", "xzf", new File(System.getProperty("cftrec.distribution")).getAbsolutePath(), "-C",
                target.toString()), target);
        try (Stream<Path> entries = Files.list(target)) {
            home = entries.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        // Share the DJL native cache of the other integration tests (450 MB, extracted once per build).
        Path properties = home.resolve("etc/system.properties");
        String text = Files.readString(properties).replaceAll("(?m)^DJL_CACHE_DIR\\s*=.*$",
                "DJL_CACHE_DIR = " + new File(System.getProperty("DJL_CACHE_DIR")).getAbsolutePath()
                        .replace("\\", "/"));
        Files.writeString(properties, text);
        work = Files.createDirectories(target.resolve("work"));
    }

    private record Result(int status, String out, String err) {
        @Override
        public String toString() {
            return "status " + status + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private static Result run(List<String> command, Path directory) throws IOException, InterruptedException {
        return run(command, directory, directory.resolve("runs"));
    }

    private static Result run(List<String> command, Path directory, Path runs) throws IOException, InterruptedException {
        Path out = Files.createTempFile("oneshot", ".out");
        Path err = Files.createTempFile("oneshot", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("CFTREC_RUNS", runs.toString());
        Process process = builder.start();
        if (!process.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw timeout(command, out, err);
        }
        Result result = new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return result;
    }

    /** A timeout says so, with the machine's load and the command's last output, so it is not read as a wrong result. */
    private static AssertionError timeout(List<String> command, Path out, Path err) throws IOException {
        String tail = (Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8));
        return new AssertionError("TIMEOUT (not a wrong result): " + command + " did not end within "
                + START_TIMEOUT_SECONDS + " s; load average now "
                + java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() + " on "
                + Runtime.getRuntime().availableProcessors() + " cores; its last output:\n"
                + tail.substring(Math.max(0, tail.length() - 2000)));
    }

    private static Result cftrec(String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/cftrec").toString());
        command.addAll(List.of(arguments));
        return run(command, work);
    }

    private static boolean anyFileNamed(Path root, String name) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.anyMatch(p -> p.getFileName().toString().equals(name));
        }
    }

    @Test
    public void argumentsAreDataCommandsChainAndUnknownOnesFailAtOnce() throws Exception {
        String hostile = "z$(shell:exec touch PWNED) ${karaf.home} \"q\".json";
        Files.writeString(work.resolve(hostile), "{\"name\": \"hostile-name\"}");
        Files.writeString(home.resolve("deploy/garbage.jar"), "not a zip");
        try (var jar = new java.util.jar.JarOutputStream(Files.newOutputStream(home.resolve("deploy/plain.jar")))) {
            jar.putNextEntry(new java.util.zip.ZipEntry("x.txt"));
        }
        Result result = cftrec("--help", ";", "validate", hostile, ";", "plugins", ";", "no-such-command", ";",
                "runs");
        assertEquals(result.toString(), 1, result.status());
        assertTrue(result.toString(), result.out().contains(hostile + ": valid"));
        assertTrue(result.toString(), result.out().contains("export-bigrec"));
        assertTrue(result.toString(), result.out().contains("warning: deploy/garbage.jar is not installed: not a jar file"));
        assertTrue(result.toString(), result.out().contains("warning: deploy/plain.jar is not installed: not an OSGi bundle"));
        assertTrue(result.toString(), result.err().contains("unknown command 'cftrec:no-such-command'"));
        assertFalse("a command ran after the failing one\n" + result, result.out().contains("STATUS"));
        assertFalse("an argument was evaluated as a command", anyFileNamed(work, "PWNED"));
        assertFalse("an argument was evaluated as a command", anyFileNamed(home, "PWNED"));
    }

    @Test
    public void theBenchmarksFindTheirPluginsAndPrintFigures() throws Exception {
        Result result = cftrec("bench:eval", "--users", "4", "--exact-users", "1", "--layers", "1", "--hidden", "64",
                "--warmup", "0", ";", "bench:train", "--batch", "2", "--steps", "1", "--warmup", "0", "--rounds", "1",
                "--modes", "cft");
        assertEquals(result.toString(), 0, result.status());
        for (String protocol : List.of("d3", "bigrec", "exact")) {
            assertTrue(result.toString(), result.out().contains("{\"protocol\": \"" + protocol + "\""));
        }
        assertTrue(result.toString(), result.out().contains("{\"mode\": \"cft\", \"steps\": 1"));
    }

    @Test
    public void aQuotedCommandLineIsRefusedWithTheWayToWriteIt() throws Exception {
        Result result = cftrec("runs; shell:exec touch PWNED");
        assertEquals(result.toString(), 2, result.status());
        assertTrue(result.toString(), result.err().contains("is not a command name"));
        assertFalse(anyFileNamed(work, "PWNED"));
    }

    @Test
    public void everyCommandConfinesDataPathsAndFileNameParameters() throws Exception {
        Path data = Files.createDirectories(work.resolve("d3"));
        Path link = data.resolve("elsewhere");
        if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(link, Path.of("/etc"));
        }
        Files.writeString(work.resolve("absolute-items.json"), "{\"name\": \"x\", \"dataset\": {\"plugin\": \"amazon-d3\","
                + " \"params\": {\"path\": \"d3\", \"items\": \"/etc/passwd\", \"stem\": \"S\"}}}");
        Files.writeString(work.resolve("linked-folder.json"), "{\"name\": \"x\", \"dataset\": {\"plugin\": \"amazon-d3\","
                + " \"params\": {\"path\": \"d3/elsewhere\", \"stem\": \"S\"}}}");
        Result absolute = cftrec("dataset", "absolute-items.json");
        assertEquals(absolute.toString(), 1, absolute.status());
        assertTrue(absolute.toString(), absolute.err().contains("items '/etc/passwd' must name a file inside the data folder"));
        Result linked = cftrec("export-bigrec", "linked-folder.json", "out");
        assertEquals(linked.toString(), 1, linked.status());
        assertTrue(linked.toString(), linked.err().contains("resolves to /etc, outside the allowed data roots"));
        assertFalse(Files.exists(work.resolve("out")));
        Files.writeString(work.resolve("missing.json"), "{\"name\": \"x\", \"dataset\": {\"plugin\": \"movielens\","
                + " \"params\": {\"path\": \"no-such-folder\"}}}");
        Result validate = cftrec("validate", "missing.json");
        assertEquals(validate.toString(), 1, validate.status());
        assertTrue(validate.toString(), validate.err().contains("dataset.params: path 'no-such-folder': no such folder"));
        Result run = cftrec("run", "linked-folder.json");
        assertEquals(run.toString(), 1, run.status());
        assertTrue(run.toString(), run.err().contains("outside the allowed data roots"));
        // the runs folder may hold the owner's .runtime.lock, never a run's folder
        assertFalse("a refused run left a run folder", Files.exists(work.resolve("runs"))
                && Files.list(work.resolve("runs")).anyMatch(Files::isDirectory));
    }

    private static final String KILL_SPEC = "{\"name\": \"kill-resume\", \"seed\": 5,"
            + " \"dataset\": {\"plugin\": \"synthetic\", \"params\": {\"items\": 60, \"users\": 80}},"
            + " \"trainer\": {\"plugin\": \"cpu\", \"params\": {\"maxSteps\": 24, \"evalEvery\": 5, \"microBatch\": 4,"
            + " \"accumulation\": 2}},"
            + " \"evaluation\": {\"maxCases\": 10, \"historyModes\": [\"factual\"]},"
            + " \"variants\": [{\"name\": \"cft\"}]}";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** The run folder under {@code runs} (one run per folder here). */
    private static Path runFolder(Path runs) throws IOException {
        try (Stream<Path> dirs = Files.list(runs)) {
            return dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    /** What must not change when a run is killed and resumed: every step's losses, validation, and metrics. */
    private static String outcome(Path run) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            com.fasterxml.jackson.databind.node.ObjectNode row = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(line);
            row.remove(List.of("examplesPerSecond", "time"));
            text.append(row).append('\n');
        }
        com.fasterxml.jackson.databind.JsonNode variant = JSON.readTree(run.resolve("results.json").toFile())
                .path("variants").path("cft");
        com.fasterxml.jackson.databind.node.ObjectNode training = (com.fasterxml.jackson.databind.node.ObjectNode) variant.path("training");
        training.remove(List.of("bestCheckpoint", "reason"));
        com.fasterxml.jackson.databind.node.ObjectNode metrics = (com.fasterxml.jackson.databind.node.ObjectNode) variant.path("evaluation")
                .path("d3").path("factual");
        metrics.remove("casesPerSecond");
        return text.append(training).append('\n').append(metrics).toString();
    }

    private static long stepRows(Path runs) throws IOException {
        if (!Files.isDirectory(runs)) {
            return 0;
        }
        try (Stream<Path> dirs = Files.list(runs)) {
            for (Path dir : dirs.toList()) {
                Path metrics = dir.resolve("metrics.jsonl");
                if (Files.isRegularFile(metrics)) {
                    return Files.readAllLines(metrics).stream().filter(l -> l.contains("\"type\":\"step\"")).count();
                }
            }
        }
        return 0;
    }

    @Test
    public void killedAtARandomStepAResumedRunEndsBitIdentical() throws Exception {
        Files.writeString(work.resolve("kill.json"), KILL_SPEC);
        Path reference = work.resolve("reference");
        Files.createDirectories(reference);
        Result whole = run(List.of(home.resolve("bin/cftrec").toString(), "run", "kill.json"), work, reference.resolve("runs"));
        assertEquals(whole.toString(), 0, whole.status());
        String expected = outcome(runFolder(reference.resolve("runs")));
        java.util.Random random = new java.util.Random();
        for (int trial = 0; trial < 2; trial++) {
            Path runs = work.resolve("killed-" + trial + "/runs");
            long killAfter = 3 + random.nextInt(18);
            ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/cftrec").toString(), "run", "kill.json")
                    .directory(work.toFile()).redirectErrorStream(true)
                    .redirectOutput(Files.createTempFile("killed", ".out").toFile());
            builder.environment().put("CFTREC_RUNS", runs.toString());
            Process process = builder.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
            while (stepRows(runs) < killAfter && process.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            if (process.isAlive() && stepRows(runs) < killAfter) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError("TIMEOUT (not a wrong result): the run had not reached step " + killAfter
                        + " within " + START_TIMEOUT_SECONDS + " s");
            }
            assertTrue("the run ended before step " + killAfter, process.isAlive());
            process.descendants().forEach(ProcessHandle::destroyForcibly); // kill -9, whatever the launcher forked
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            Path run = runFolder(runs);
            Result resumed = run(List.of(home.resolve("bin/cftrec").toString(), "resume", run.getFileName().toString()),
                    work, runs);
            assertEquals("trial " + trial + ", killed after step " + killAfter + "\n" + resumed, 0, resumed.status());
            assertEquals("trial " + trial + ", killed after step " + killAfter, expected, outcome(run));
            try (Stream<Path> leftovers = Files.walk(run)) {
                assertEquals("partial files left after the kill", List.of(), leftovers
                        .filter(p -> p.getFileName().toString().matches("\\.(last|best)-.*|.*\\.tmp")).toList());
            }
            System.out.println("kill -9 after step " + killAfter + ", resumed: identical to the uninterrupted run");
        }
    }
}
