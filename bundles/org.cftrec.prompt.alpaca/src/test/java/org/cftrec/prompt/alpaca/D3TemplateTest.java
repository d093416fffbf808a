package org.cftrec.prompt.alpaca;

import org.cftrec.api.data.Domain;
import org.cftrec.api.prompt.PromptInput;
import org.cftrec.api.prompt.RenderedPrompt;
import org.junit.Test;

import java.util.List;

import static org.junit.Assert.assertEquals;

public class D3TemplateTest {
    private static final PromptInput INPUT = new PromptInput(new Domain("game", "games"),
            List.of("Portal 2", "Halo 3"), "Doom");

    @Test
    public void reproducesTheReferenceWordingCharacterByCharacter() {
        RenderedPrompt p = new D3Template().bind(new D3Template.Params(null, null, null)).render(INPUT);
        String header = "Below is an instruction that describes a task, paired with an input that provides further "
                + "context. Write a response that appropriately completes the request. \n\n### Instruction:\n"
                + "Given a list of games the user recetenly enjoy, please write a new games that the user may bought\n";
        assertEquals(header + "### User Input: \nThe user has palyed the following games before: \"Portal 2\", "
                + "\"Halo 3\"\n\n### Response: \n", p.factual());
        assertEquals(header + "### Response: \n", p.counterfactual());
        assertEquals("\"Doom\"\n", p.target());
    }

    @Test
    public void typosCanBeFixedAndThePlaceholderModeKeepsTheBlock() {
        RenderedPrompt p = new D3Template().bind(new D3Template.Params(CounterfactualForm.PLACEHOLDER, "nothing", true)).render(INPUT);
        assertEquals(p.factual().replace("\"Portal 2\", \"Halo 3\"", "nothing"), p.counterfactual());
        assertEquals(true, p.factual().contains("recently enjoy") && p.factual().contains("has played the following"));
    }
}
