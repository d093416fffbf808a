package org.cftrec.runtime.pipeline;

import org.cftrec.api.data.Example;
import org.cftrec.api.data.Item;
import org.cftrec.api.data.RecDataset;
import org.cftrec.api.eval.EvaluationCase;
import org.cftrec.api.prompt.PromptInput;
import org.cftrec.api.prompt.PromptTemplate;
import org.cftrec.api.prompt.RenderedPrompt;
import org.cftrec.api.spec.HistoryMode;
import org.cftrec.runtime.plugins.ResolvedPlugin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Renders the prompts of a dataset's examples with the run's template: training, evaluation cases, corpus. Items
 * appear as their texts (titles, or codes: {@link org.cftrec.runtime.items.ItemTexts}).
 */
final class PromptRenderer {
    private final PromptTemplate template;
    private final RecDataset dataset;
    private final Map<String, String> itemTexts;

    PromptRenderer(ResolvedPlugin<PromptTemplate> plugin, RecDataset dataset, Map<String, String> itemTexts) {
        this.template = plugin.instance();
        this.dataset = dataset;
        this.itemTexts = itemTexts;
    }

    RenderedPrompt render(List<String> history, String target) {
        List<String> texts = history.stream().map(itemTexts::get).toList();
        return template.render(new PromptInput(dataset.domain(), texts, itemTexts.get(target)));
    }

    List<RenderedPrompt> renderAll(List<Example> examples) {
        return examples.stream().map(e -> render(e.history(), e.target())).toList();
    }

    Map<String, String> targetTexts() {
        Map<String, String> texts = new LinkedHashMap<>();
        for (Item item : dataset.catalogue()) {
            texts.put(item.id(), render(List.of(), item.id()).target());
        }
        return texts;
    }

    List<EvaluationCase> cases(List<Example> examples, HistoryMode mode, long seed) {
        List<EvaluationCase> cases = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            Example e = examples.get(i);
            String prompt = switch (mode) {
                case FACTUAL -> render(e.history(), e.target()).factual();
                case REMOVED -> render(e.history(), e.target()).counterfactual();
                case SHUFFLED -> {
                    List<String> shuffled = new ArrayList<>(e.history());
                    Collections.shuffle(shuffled, new Random(seed * 31 + i));
                    yield render(shuffled, e.target()).factual();
                }
            };
            cases.add(new EvaluationCase(e, prompt));
        }
        return cases;
    }

    List<String> corpus(List<RenderedPrompt> train, List<RenderedPrompt> valid, List<RenderedPrompt> test) {
        List<String> corpus = new ArrayList<>();
        for (List<RenderedPrompt> split : List.of(train, valid, test)) {
            for (RenderedPrompt p : split) {
                corpus.add(p.factual());
                corpus.add(p.counterfactual());
                corpus.add(p.target());
            }
        }
        corpus.addAll(targetTexts().values());
        return corpus;
    }
}
