package org.cftrec.prompt.alpaca;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.cftrec.api.PluginName;
import org.cftrec.api.prompt.PromptInput;
import org.cftrec.api.prompt.PromptPlugin;
import org.cftrec.api.prompt.PromptTemplate;
import org.cftrec.api.prompt.InstructionRow;
import org.cftrec.api.prompt.RenderedPrompt;
import org.osgi.service.component.annotations.Component;

import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The Alpaca layout of BIGRec and CFT (cft-method.md section 1). The factual prompt carries the history in
 * its Input block; the counterfactual prompt removes it, either by dropping the Input block and switching to
 * the no-input header ({@code drop-input}, the reference behaviour) or by replacing the titles with a
 * placeholder word ({@code placeholder}). The target is the quoted title; the runtime appends EOS. The same
 * text is used at training and at inference (the reference code's whitespace mismatch is not reproduced).
 */
@Component(service = PromptPlugin.class)
@PluginName(name = "alpaca",
        description = "BIGRec/CFT Alpaca prompt; counterfactual by dropping the Input block or a placeholder")
public class AlpacaTemplate implements PromptPlugin<AlpacaTemplate.Params> {
    static final String HEADER_WITH_INPUT = "Below is an instruction that describes a task, paired with an input "
            + "that provides further context. Write a response that appropriately completes the request.";
    static final String HEADER_WITHOUT_INPUT = "Below is an instruction that describes a task. "
            + "Write a response that appropriately completes the request.";

    public record Params(
            @JsonPropertyDescription("how the counterfactual prompt leaves the history out: drop the Input block, or"
                    + " keep it with the placeholder word") CounterfactualForm counterfactual,
            @JsonPropertyDescription("the word standing for the history in placeholder mode; default None")
            String placeholder) {
        public Params {
            counterfactual = counterfactual == null ? CounterfactualForm.DROP_INPUT : counterfactual;
            placeholder = placeholder == null ? "None" : placeholder;
            if (placeholder.isBlank()) {
                throw new IllegalArgumentException("placeholder must not be blank");
            }
        }
    }

    @Override
    public PromptTemplate bind(Params params) {
        return new PromptTemplate() {
            @Override
            public RenderedPrompt render(PromptInput input) {
                return AlpacaTemplate.this.render(input, params);
            }

            @Override
            public Optional<InstructionRow> instructionRow(PromptInput input) {
                return AlpacaTemplate.this.instructionRow(input, params);
            }
        };
    }

    private RenderedPrompt render(PromptInput input, Params params) {
        InstructionRow row = row(input);
        String factual = withInput(row.instruction(), row.input());
        String counterfactual = params.counterfactual() == CounterfactualForm.DROP_INPUT
                ? HEADER_WITHOUT_INPUT + "\n\n### Instruction:\n" + row.instruction() + "\n\n### Response:\n"
                : withInput(row.instruction(), inputLine(input, params.placeholder()));
        return new RenderedPrompt(factual, counterfactual, row.output());
    }

    private Optional<InstructionRow> instructionRow(PromptInput input, Params params) {
        return Optional.of(row(input));
    }

    /** BIGRec's fields: the factual prompt is exactly these, laid out by {@link #withInput}. */
    private static InstructionRow row(PromptInput input) {
        String instruction = "Given a list of " + input.domain().items() + " the user has interacted with before, "
                + "please recommend a new " + input.domain().item() + " that the user likes to the user.";
        String history = input.historyTitles().stream().map(t -> "\"" + t + "\"").collect(Collectors.joining(", "));
        return new InstructionRow(instruction, inputLine(input, history), "\"" + input.targetTitle() + "\"");
    }

    private static String inputLine(PromptInput input, String history) {
        return "The user has interacted with the following " + input.domain().items() + " before: " + history;
    }

    private static String withInput(String instruction, String input) {
        return HEADER_WITH_INPUT + "\n\n### Instruction:\n" + instruction + "\n\n### Input:\n" + input
                + "\n\n### Response:\n";
    }
}
