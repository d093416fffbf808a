package org.cftrec.runtime.spec;

import org.cftrec.api.spec.SpecException;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

/**
 * Hostile spec files are refused with the file and the limit: a huge file, an endless one (read only up to the
 * limit), a huge string, deep nesting, in JSON and in YAML.
 */
public class SpecLimitsTest {
    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private String refusal(String name, String content) throws Exception {
        Path file = folder.getRoot().toPath().resolve(name);
        Files.writeString(file, content);
        String message = assertThrows(SpecException.class, () -> SpecJson.read(file)).getMessage();
        assertTrue(message, message.startsWith(file + ": "));
        return message.substring(file.toString().length() + 2);
    }

    @Test
    public void aFileLargerThanTheLimitIsRefusedWithoutParsingIt() throws Exception {
        String big = "{\"name\": \"" + "x".repeat(3 * SpecJson.MAX_SPEC_BYTES) + "\"}";
        String expected = "larger than 1048576 bytes, the most a spec file may hold (a spec is a few kilobytes: is"
                + " this the right file?)";
        assertEquals(expected, refusal("big.json", big));
        assertEquals(expected, refusal("big.yaml", "name: \"" + "x".repeat(3 * SpecJson.MAX_SPEC_BYTES) + "\"\n"));
    }

    @Test
    public void anEndlessFileIsReadOnlyUpToTheLimit() {
        Path zero = Path.of("/dev/zero");
        org.junit.Assume.assumeTrue("needs /dev/zero (Linux)", Files.isReadable(zero));
        assertEquals("/dev/zero: larger than 1048576 bytes, the most a spec file may hold (a spec is a few kilobytes:"
                + " is this the right file?)", assertThrows(SpecException.class, () -> SpecJson.read(zero)).getMessage());
        assertTrue(assertThrows(SpecException.class, () -> SpecJson.read(folder.getRoot().toPath())).getMessage()
                .endsWith(": is a folder, not a spec file"));
    }

    @Test
    public void aStringLongerThanAnyValueMayBeIsRefusedInJson() throws Exception {
        String longName = "x".repeat(SpecJson.MAX_STRING_CHARS + 1);
        String json = refusal("long.json", "{\"name\": \"" + longName + "\"}");
        assertTrue(json, json.endsWith("a string longer than 65536 characters, the most a value of a spec may hold"));
        // SnakeYAML has no limit per scalar: in YAML a string is bounded by the file's limit (1 MiB, parsed in well
        // under a second), then refused by the field it is given to
        String yaml = refusal("long.yaml", "name: \"" + longName + "\"\n");
        assertTrue(yaml.substring(0, 80), yaml.contains("name is required and must match"));
        // a string at the limit is read: the spec then fails on what it says (a name too long), not on its size
        String atLimit = refusal("ok.json", "{\"name\": \"" + "x".repeat(SpecJson.MAX_STRING_CHARS) + "\"}");
        assertTrue(atLimit.substring(0, 80), atLimit.contains("name is required and must match"));
    }

    @Test
    public void nestingDeeperThanTheLimitIsRefusedInJsonAndYaml() throws Exception {
        int depth = SpecJson.MAX_NESTING + 10;
        String json = refusal("deep.json", "{\"name\": \"x\", \"dataset\": {\"plugin\": \"synthetic\", \"params\": "
                + "{\"a\": ".repeat(depth) + "1" + "}".repeat(depth) + "}}");
        assertTrue(json, json.endsWith("objects and arrays nested deeper than 64 levels, the most a spec may nest"));
        String yaml = refusal("deep.yaml", "name: x\ndataset: {plugin: synthetic, params: " + "{a: ".repeat(depth)
                + "1" + "}".repeat(depth) + "}\n");
        assertTrue(yaml, yaml.contains("64"));
    }

    @Test
    public void yamlAliasesAreExpandedAndAnAliasBombIsRefused() throws Exception {
        Path file = folder.getRoot().toPath().resolve("alias.yaml");
        Files.writeString(file, "name: shared\n"
                + "weighting: &linear {plugin: linear, params: {beta: 0.25}}\n"
                + "variants:\n"
                + "  - {name: sft, objective: {alpha: 0}, weighting: {plugin: uniform}}\n"
                + "  - {name: pos, objective: {alpha: 0}, weighting: *linear}\n");
        var spec = SpecJson.read(file);
        assertEquals("linear", spec.variants().get(1).weighting().plugin());
        assertEquals(0.25, spec.variants().get(1).weighting().params().get("beta").asDouble(), 0);
        // strict as ever after the expansion: an unknown field is still named
        Files.writeString(file, "name: shared\nbase: &b {alpha: 0}\nobjective: *b\n");
        String unknown = assertThrows(SpecException.class, () -> SpecJson.read(file)).getMessage();
        assertTrue(unknown, unknown.contains("unknown field 'base'"));
        StringBuilder bomb = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 12; i++) {
            bomb.append("a").append(i).append(": &a").append(i).append(" [").append(("*a" + (i - 1) + ", ").repeat(9))
                    .append("*a").append(i - 1).append("]\n");
        }
        Files.writeString(file, "name: bomb\n" + bomb);
        String refused = assertThrows(SpecException.class, () -> SpecJson.read(file)).getMessage();
        assertTrue(refused, refused.startsWith(file + ": cannot expand the YAML aliases: "));
    }
}
