package com.example.cftrec;

import org.cftrec.api.data.Domain;
import org.cftrec.api.prompt.PromptInput;
import org.cftrec.api.prompt.RenderedPrompt;
import org.junit.Test;

import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

public class ListPromptTest {
    @Test
    public void rendersTheHistoryOnOneLineAndDropsItCounterfactually() {
        RenderedPrompt p = new ListPrompt().bind(new ListPrompt.Params(null)).render(new PromptInput(new Domain("movie", "movies"), List.of("Heat (1995)", "Up (2009)"),
                "Fargo (1996)"));
        assertEquals("A user's movies, oldest first: Heat (1995) | Up (2009)\nNext movie:", p.factual());
        assertEquals("A user's movies, oldest first: (none)\nNext movie:", p.counterfactual());
        assertEquals(" Fargo (1996)\n", p.target());
        assertThrows(IllegalArgumentException.class, () -> new ListPrompt.Params("a\nb"));
    }
}
