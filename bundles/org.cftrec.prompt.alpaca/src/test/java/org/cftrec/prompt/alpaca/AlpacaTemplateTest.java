package org.cftrec.prompt.alpaca;

import org.cftrec.api.data.Domain;
import org.cftrec.api.prompt.PromptInput;
import org.cftrec.api.prompt.RenderedPrompt;
import org.junit.Test;

import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

/** The rendered text, character by character. */
public class AlpacaTemplateTest {
    private static final PromptInput INPUT = new PromptInput(new Domain("movie", "movies"),
            List.of("Heat (1995)", "Casino (1995)"), "Toy Story (1995)");

    @Test
    public void factualPromptCarriesTheHistoryInTheInputBlock() {
        RenderedPrompt p = new AlpacaTemplate().bind(new AlpacaTemplate.Params(null, null)).render(INPUT);
        assertEquals("Below is an instruction that describes a task, paired with an input that provides further "
                + "context. Write a response that appropriately completes the request.\n\n"
                + "### Instruction:\nGiven a list of movies the user has interacted with before, please recommend a new "
                + "movie that the user likes to the user.\n\n"
                + "### Input:\nThe user has interacted with the following movies before: \"Heat (1995)\", \"Casino (1995)\"\n\n"
                + "### Response:\n", p.factual());
        assertEquals("\"Toy Story (1995)\"", p.target());
    }

    @Test
    public void dropInputRemovesTheBlockAndSwitchesTheHeader() {
        RenderedPrompt p = new AlpacaTemplate().bind(new AlpacaTemplate.Params(CounterfactualForm.DROP_INPUT, null)).render(INPUT);
        assertEquals("Below is an instruction that describes a task. Write a response that appropriately completes "
                + "the request.\n\n### Instruction:\nGiven a list of movies the user has interacted with before, please "
                + "recommend a new movie that the user likes to the user.\n\n### Response:\n", p.counterfactual());
    }

    @Test
    public void placeholderKeepsTheTemplateAndReplacesTheTitles() {
        RenderedPrompt p = new AlpacaTemplate().bind(new AlpacaTemplate.Params(CounterfactualForm.PLACEHOLDER, "nothing")).render(INPUT);
        assertEquals(p.factual().replace("\"Heat (1995)\", \"Casino (1995)\"", "nothing"), p.counterfactual());
    }

    @Test
    public void theCounterfactualFormIsBoundByItsSpecName() throws Exception {
        // An enum: the spec binder refuses other names and lists the valid ones (the runtime's JsonErrors).
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertEquals(CounterfactualForm.PLACEHOLDER, json.readValue("{\"counterfactual\": \"placeholder\"}",
                AlpacaTemplate.Params.class).counterfactual());
        assertEquals(CounterfactualForm.class, assertThrows(com.fasterxml.jackson.databind.exc.InvalidFormatException.class,
                () -> json.readValue("{\"counterfactual\": \"erase\"}", AlpacaTemplate.Params.class)).getTargetType());
    }
}
