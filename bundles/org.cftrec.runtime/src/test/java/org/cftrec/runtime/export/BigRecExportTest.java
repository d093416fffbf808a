package org.cftrec.runtime.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cftrec.api.data.DatasetStatistics;
import org.cftrec.api.data.Domain;
import org.cftrec.api.data.Example;
import org.cftrec.api.data.Item;
import org.cftrec.api.data.RecDataset;
import org.cftrec.api.prompt.PromptInput;
import org.cftrec.api.prompt.PromptTemplate;
import org.cftrec.api.prompt.RenderedPrompt;
import org.cftrec.prompt.alpaca.AlpacaTemplate;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;

public class BigRecExportTest {
    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private static RecDataset dataset() {
        List<Item> catalogue = List.of(new Item("1", "Toy Story (1995)"), new Item("2", "Heat \"Director's Cut\""),
                new Item("3", "Casino"));
        return new RecDataset("x", new Domain("movie", "movies"), catalogue,
                List.of(new Example("u1", List.of("1", "2"), "3"), new Example("u2", List.of("3"), "1")),
                List.of(new Example("u1", List.of("1"), "2")), List.of(),
                new DatasetStatistics(2, 3, 5, Map.of(), new TreeMap<>(), 0, 0), List.of());
    }

    @Test
    public void rowsHoldBigRecFieldsWhoseAlpacaLayoutIsTheFactualPrompt() throws Exception {
        PromptTemplate alpaca = new AlpacaTemplate().bind(new AlpacaTemplate.Params(null, null));
        Path out = folder.getRoot().toPath().resolve("bigrec");
        Map<String, Integer> counts = BigRecExport.write(dataset(), alpaca, "alpaca", out);
        assertEquals(Map.of("train.json", 2, "valid.json", 1, "test.json", 0), counts);
        JsonNode train = new ObjectMapper().readTree(Files.readString(out.resolve("train.json")));
        JsonNode first = train.get(0);
        assertEquals("Given a list of movies the user has interacted with before, please recommend a new movie that "
                + "the user likes to the user.", first.get("instruction").asText());
        assertEquals("The user has interacted with the following movies before: \"Toy Story (1995)\", "
                + "\"Heat \"Director's Cut\"\"", first.get("input").asText());
        assertEquals("\"Casino\"", first.get("output").asText());
        assertEquals(3, first.size());
        RenderedPrompt rendered = alpaca.render(new PromptInput(new Domain("movie", "movies"),
                List.of("Toy Story (1995)", "Heat \"Director's Cut\""), "Casino"));
        assertEquals("Below is an instruction that describes a task, paired with an input that provides further "
                + "context. Write a response that appropriately completes the request.\n\n### Instruction:\n"
                + first.get("instruction").asText() + "\n\n### Input:\n" + first.get("input").asText()
                + "\n\n### Response:\n", rendered.factual());
        assertEquals(rendered.target(), first.get("output").asText());
        assertEquals(0, new ObjectMapper().readTree(Files.readString(out.resolve("test.json"))).size());
    }

    @Test
    public void templatesWithoutInstructionLayoutAreRefusedBeforeAnyFileIsWritten() {
        PromptTemplate plain = input -> new RenderedPrompt("p", "q", input.targetTitle());
        Path out = folder.getRoot().toPath().resolve("none");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BigRecExport.write(dataset(), plain, "plain", out));
        assertEquals("prompt plugin 'plain' has no instruction/input layout to export; use 'alpaca'", e.getMessage());
        assertFalse(Files.exists(out));
    }
}
