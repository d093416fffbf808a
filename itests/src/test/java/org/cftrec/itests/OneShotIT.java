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
    private static final long START_TIMEOUT_SECONDS = 300;
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
        Path out = Files.createTempFile("oneshot", ".out");
        Path err = Files.createTempFile("oneshot", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("CFTREC_RUNS", directory.resolve("runs").toString());
        Process process = builder.start();
        if (!process.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not end within " + START_TIMEOUT_SECONDS + " s");
        }
        Result result = new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return result;
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
        Result result = cftrec("validate", hostile, ";", "plugins", ";", "help", ";", "no-such-command", ";", "runs");
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
    }
}
