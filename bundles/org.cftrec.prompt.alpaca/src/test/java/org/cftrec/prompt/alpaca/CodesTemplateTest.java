package org.cftrec.prompt.alpaca;

import org.cftrec.api.data.Domain;
import org.cftrec.api.prompt.PromptInput;
import org.cftrec.api.prompt.PromptTemplate;
import org.cftrec.api.prompt.RenderedPrompt;
import org.junit.Test;

import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

public class CodesTemplateTest {
    private static final Domain ITEMS = new Domain("item", "items");
    private static final PromptTemplate CODES = new CodesTemplate().bind(new CodesTemplate.Params(null, null));

    @Test
    public void onlyTheStartMarkAndTheHistoryCodesWithSeparators() {
        RenderedPrompt p = CODES.render(new PromptInput(ITEMS, List.of("a3 b17", "a1 b2"), "a0 b9"));
        assertEquals("[ a3 b17 ; a1 b2 ;", p.factual());
        assertEquals("the history removed: the start mark alone", "[", p.counterfactual());
        assertEquals("a0 b9", p.target());
    }

    @Test
    public void aWindowAndItsTargetAreThePrefixOfTheUsersNextWindow() {
        List<String> sequence = List.of("i4", "i7", "i1", "i9");
        for (int k = 1; k < sequence.size() - 1; k++) {
            RenderedPrompt window = CODES.render(new PromptInput(ITEMS, sequence.subList(0, k), sequence.get(k)));
            RenderedPrompt next = CODES.render(new PromptInput(ITEMS, sequence.subList(0, k + 1), sequence.get(k + 1)));
            assertEquals(next.factual(), window.factual() + " " + window.target() + " ;");
        }
    }

    @Test
    public void marksMustBeShortWordsWithoutSpacesAndDiffer() {
        assertEquals("<s> i4 |", new CodesTemplate().bind(new CodesTemplate.Params("<s>", "|"))
                .render(new PromptInput(ITEMS, List.of("i4"), "i5")).factual());
        assertEquals("start must be 1 to 16 characters without spaces, got 'a b'",
                assertThrows(IllegalArgumentException.class, () -> new CodesTemplate.Params("a b", null)).getMessage());
        assertEquals("start and separator must differ, both are ';'",
                assertThrows(IllegalArgumentException.class, () -> new CodesTemplate.Params(";", null)).getMessage());
    }
}
