package org.cftrec.eval;

import org.cftrec.api.eval.EvaluationJob;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A prefix tree of the tokenized target texts of the catalogue (text tokens, then EOS). Every root-to-EOS
 * path is one target text; items with the same text share its end node. Built once per catalogue.
 */
final class TitleTrie {
    /** A node: the tokens that may follow, and the items whose text ends here (only after EOS). */
    static final class Node {
        final Map<Long, Node> children = new TreeMap<>();
        final List<String> items = new ArrayList<>();
        String text;

        boolean isEnd() {
            return !items.isEmpty();
        }
    }

    final Node root = new Node();
    final long eos;

    /**
     * @param targetTexts  item id -> target text
     * @param targetTokens item id -> the text's token ids as training produces them ({@link EvaluationJob#targetTokens()})
     */
    TitleTrie(Map<String, String> targetTexts, Map<String, long[]> targetTokens, long eos) {
        this.eos = eos;
        for (Map.Entry<String, String> e : targetTexts.entrySet()) {
            Node node = root;
            for (long token : targetTokens.get(e.getKey())) {
                node = node.children.computeIfAbsent(token, t -> new Node());
            }
            Node end = node.children.computeIfAbsent(eos, t -> new Node());
            end.items.add(e.getKey());
            end.text = e.getValue();
        }
    }

    /** The trie of a job's catalogue, with targets tokenized after the prompts' common ending. */
    static TitleTrie of(EvaluationJob job) {
        return new TitleTrie(job.targetTexts(), job.targetTokens(), job.backbone().tokenizer().eosTokenId());
    }
}
