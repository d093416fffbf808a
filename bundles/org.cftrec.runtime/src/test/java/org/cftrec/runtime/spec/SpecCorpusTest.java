package org.cftrec.runtime.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cftrec.api.spec.SpecException;
import org.junit.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.Assert.assertTrue;

/**
 * A generated corpus of malformed specs: the README's full spec cut at every character, and every field of it
 * replaced by each value of the wrong kind. Each must either parse (some replacements are valid) or fail with a
 * {@link SpecException} that names the file; nothing else may escape (no NullPointerException, no Jackson type).
 */
public class SpecCorpusTest {
    static final String FULL_SPEC = """
            {
              "name": "ml100k-cft",
              "seed": 42,
              "dataset":   {"plugin": "synthetic", "params": {}},
              "prompt":    {"plugin": "alpaca",    "params": {}},
              "backbone":  {"plugin": "llama",     "params": {"preset": "tiny"}},
              "weighting": {"plugin": "linear",    "params": {"beta": 0.25}},
              "objective": {"alpha": 0.1, "weightScope": "both", "branches": "separate"},
              "trainer":   {"plugin": "cpu",       "params": {}},
              "evaluation": {"protocols": [{"plugin": "d3"}], "ks": [1, 3, 5, 10, 20],
                             "historyModes": ["factual", "removed", "shuffled"], "maxCases": 0},
              "variants": [
                {"name": "sft", "objective": {"alpha": 0}, "weighting": {"plugin": "uniform"}},
                {"name": "cft"}
              ]
            }
            """;
    private static final String ORIGIN = "corpus/spec.json";
    private static final List<String> WRONG_VALUES = List.of("null", "\"\"", "\"x\"", "-1", "0", "1.5", "1e309",
            "-1e309", "2147483648", "9223372036854775808", "true", "[]", "[null]", "{}", "{\"plugin\": null}",
            "\"../../etc/passwd\"", "\"$(shell:exec id)\"");

    /** Every leaf and object of the spec, as JSON pointers. */
    private static void pointers(JsonNode node, String at, List<String> out) {
        if (!at.isEmpty()) {
            out.add(at);
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                pointers(e.getValue(), at + "/" + e.getKey(), out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                pointers(node.get(i), at + "/" + i, out);
            }
        }
    }

    static List<String> corpus() throws Exception {
        List<String> cases = new ArrayList<>();
        for (int cut = 0; cut < FULL_SPEC.length() - 2; cut++) {
            cases.add(FULL_SPEC.substring(0, cut));
        }
        JsonNode full = SpecJson.MAPPER.readTree(FULL_SPEC);
        List<String> pointers = new ArrayList<>();
        pointers(full, "", pointers);
        for (String pointer : pointers) {
            String parent = pointer.substring(0, pointer.lastIndexOf('/'));
            String key = pointer.substring(pointer.lastIndexOf('/') + 1);
            for (String wrong : WRONG_VALUES) {
                JsonNode copy = full.deepCopy();
                JsonNode container = parent.isEmpty() ? copy : copy.at(parent);
                JsonNode value = SpecJson.MAPPER.readTree(wrong);
                if (container.isObject()) {
                    ((ObjectNode) container).set(key, value);
                } else {
                    ((com.fasterxml.jackson.databind.node.ArrayNode) container).set(Integer.parseInt(key), value);
                }
                cases.add(SpecJson.MAPPER.writeValueAsString(copy));
            }
        }
        cases.addAll(List.of("null", "", " ", "[]", "1", "\"spec\"", "{\"name\": \"x\"} trailing", "\u0000", "{\"name\": \"x\",}"));
        return cases;
    }

    @Test
    public void everyMalformedSpecEndsInANamedError() throws Exception {
        List<String> cases = corpus();
        List<String> escaped = new ArrayList<>();
        int named = 0;
        for (String text : cases) {
            try {
                SpecJson.parse(text, ORIGIN);
            } catch (SpecException e) {
                if (e.getMessage() != null && e.getMessage().startsWith(ORIGIN + ": ")) {
                    named++;
                } else {
                    escaped.add("unnamed: " + e.getMessage() + " <- " + text);
                }
            } catch (Throwable e) {
                escaped.add(e + " <- " + text);
            }
        }
        System.out.printf("spec corpus: %d cases, %d named errors, %d parsed%n", cases.size(), named,
                cases.size() - named - escaped.size());
        assertTrue(cases.size() + " cases", cases.size() >= 1000);
        assertTrue(escaped.size() + " escaped, e.g.\n" + String.join("\n", escaped.subList(0, Math.min(10, escaped.size()))),
                escaped.isEmpty());
        writeSample(cases);
    }

    /** Where the sample for the live runtime goes (RuntimeIT reads it: one booted runtime, every case validated). */
    static final java.nio.file.Path SAMPLE = java.nio.file.Path.of("target", "spec-corpus-sample");

    /** Every 5th case as a file: what the integration test pushes through a running runtime's validate. */
    private static void writeSample(List<String> cases) throws java.io.IOException {
        java.nio.file.Files.createDirectories(SAMPLE);
        for (int i = 0; i < cases.size(); i += 5) {
            java.nio.file.Files.writeString(SAMPLE.resolve(String.format("case-%04d.json", i)), cases.get(i));
        }
    }
}
