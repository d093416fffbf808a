package org.cftrec.eval;

import org.cftrec.api.model.DecodingState;

import java.util.ArrayList;
import java.util.List;

/**
 * Which tokens a beam may continue with, and what a beam remembers of its prefix: a {@link TitleTrie} node for
 * constrained decoding (D3), the generated tokens for free generation (BIGRec). {@link BeamSearch} is the same
 * for both; free generation is the search space that allows every token.
 *
 * @param <N> a beam's position in the space
 */
interface SearchSpace<N> {

    /** One way to extend a beam: the token, its log-probability and the position it leads to. */
    record Step<N>(long token, float logp, N next) {
    }

    /** Where every beam starts. */
    N start();

    /**
     * The candidate extensions of each beam, beam i sitting at {@code rows[i]} of the state, in beam order.
     *
     * @param width how many extensions per beam are enough (the beam count + 1: a beam can finish by EOS and
     *              still leave as many live extensions as there are beams)
     */
    List<List<Step<N>>> steps(DecodingState state, long[] rows, List<N> positions, int width);

    /** True where a beam that reaches the token limit without EOS finishes there (free text); false drops it. */
    boolean finishesAtLimit();

    /** Constrained to the catalogue's target texts: a beam's children in the trie, all of them. */
    static SearchSpace<TitleTrie.Node> titles(TitleTrie trie) {
        return new SearchSpace<>() {
            @Override
            public TitleTrie.Node start() {
                return trie.root;
            }

            @Override
            public List<List<Step<TitleTrie.Node>>> steps(DecodingState state, long[] rows,
                                                          List<TitleTrie.Node> positions, int width) {
                float[] logp = PromptBatch.childLogProbabilities(state, rows, positions);
                List<List<Step<TitleTrie.Node>>> steps = new ArrayList<>(positions.size());
                int read = 0;
                for (TitleTrie.Node node : positions) {
                    List<Step<TitleTrie.Node>> children = new ArrayList<>(node.children.size());
                    for (var child : node.children.entrySet()) {
                        children.add(new Step<>(child.getKey(), logp[read++], child.getValue()));
                    }
                    steps.add(children);
                }
                return steps;
            }

            @Override
            public boolean finishesAtLimit() {
                return false;
            }
        };
    }

    /** Any token: the most probable {@code width} of the vocabulary, a beam remembering its tokens. */
    static SearchSpace<Generated> anyToken(long eos) {
        return new SearchSpace<>() {
            @Override
            public Generated start() {
                return Generated.EMPTY;
            }

            @Override
            public List<List<Step<Generated>>> steps(DecodingState state, long[] rows, List<Generated> positions,
                                                     int width) {
                PromptBatch.TopTokens top = PromptBatch.topLogProbabilities(state, rows, width);
                List<List<Step<Generated>>> steps = new ArrayList<>(positions.size());
                for (int i = 0; i < positions.size(); i++) {
                    List<Step<Generated>> best = new ArrayList<>(width);
                    for (int k = 0; k < top.tokens()[i].length; k++) {
                        long token = top.tokens()[i][k];
                        best.add(new Step<>(token, top.logp()[i][k],
                                token == eos ? positions.get(i) : positions.get(i).plus(token)));
                    }
                    steps.add(best);
                }
                return steps;
            }

            @Override
            public boolean finishesAtLimit() {
                return true;
            }
        };
    }

    /** Generated tokens, EOS excluded. */
    record Generated(long[] tokens) {
        static final Generated EMPTY = new Generated(new long[0]);

        Generated plus(long token) {
            long[] longer = java.util.Arrays.copyOf(tokens, tokens.length + 1);
            longer[tokens.length] = token;
            return new Generated(longer);
        }
    }
}
