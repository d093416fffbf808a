package org.cftrec.prompt.alpaca;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.cftrec.api.PluginName;
import org.cftrec.api.prompt.PromptInput;
import org.cftrec.api.prompt.PromptPlugin;
import org.cftrec.api.prompt.PromptTemplate;
import org.cftrec.api.prompt.RenderedPrompt;
import org.osgi.service.component.annotations.Component;

import java.util.stream.Collectors;

/**
 * Prompt {@code d3}: the wording of the D3 paper's code (zero-shot form): the Alpaca header, the D3
 * instruction, a "### User Input:" block with the history, and a target of the quoted title followed by a
 * newline (EOS is appended by the runtime). By default the original text is reproduced exactly, typos
 * included ("recetenly", "palyed"), so that results are comparable with D3's; {@code fixTypos} corrects them.
 * The counterfactual prompt drops the User Input block ({@code drop-input}) or keeps it with a placeholder.
 */
@Component(service = PromptPlugin.class)
@PluginName(name = "d3", description = "D3's wording (User Input block, quoted title + newline target)")
public class D3Template implements PromptPlugin<D3Template.Params> {

    public record Params(
            @JsonPropertyDescription("how the counterfactual prompt leaves the history out: drop the User Input block,"
                    + " or keep it with the placeholder word") CounterfactualForm counterfactual,
            @JsonPropertyDescription("the word standing for the history in placeholder mode; default None")
            String placeholder,
            @JsonPropertyDescription("correct the reference wording's typos; default false") Boolean fixTypos) {
        public Params {
            AlpacaTemplate.Params checked = new AlpacaTemplate.Params(counterfactual, placeholder);
            counterfactual = checked.counterfactual();
            placeholder = checked.placeholder();
            fixTypos = fixTypos != null && fixTypos;
        }
    }

    @Override
    public PromptTemplate bind(Params params) {
        return input -> render(input, params);
    }

    private RenderedPrompt render(PromptInput input, Params params) {
        String items = input.domain().items();
        String instruction = "Given a list of " + items + " the user " + (params.fixTypos() ? "recently" : "recetenly")
                + " enjoy, please write a new " + items + " that the user may bought";
        String header = AlpacaTemplate.HEADER_WITH_INPUT + " \n\n### Instruction:\n" + instruction + "\n";
        String history = input.historyTitles().stream().map(t -> "\"" + t + "\"").collect(Collectors.joining(", "));
        String verb = params.fixTypos() ? "played" : "palyed";
        String factual = header + userInput(verb, input, history);
        String counterfactual = params.counterfactual() == CounterfactualForm.DROP_INPUT
                ? header + "### Response: \n"
                : header + userInput(verb, input, params.placeholder());
        return new RenderedPrompt(factual, counterfactual, "\"" + input.targetTitle() + "\"\n");
    }

    private static String userInput(String verb, PromptInput input, String history) {
        return "### User Input: \nThe user has " + verb + " the following " + input.domain().item() + "s before: "
                + history + "\n\n### Response: \n";
    }
}
