package org.cftrec.api.model;

import org.osgi.annotation.versioning.ConsumerType;

import java.util.Arrays;

/** The backbone's tokenizer, reduced to what training and decoding need. */
@ConsumerType
public interface TextTokenizer {

    /** Token ids of {@code text}, without special tokens. */
    long[] encode(String text);

    /**
     * Token ids of a prompt as the model sees it at the start of a sequence: with the special tokens the
     * tokenizer adds there (Llama-2's {@code <s>}; none for Qwen), as Hugging Face's {@code add_special_tokens}.
     */
    default long[] encodePrompt(String prompt) {
        return encode(prompt);
    }

    /**
     * Token ids of {@code text} as they come out when it directly follows {@code context}: the tail of the ids of
     * {@code context + text} after the ids of {@code context}. With byte-level BPE or SentencePiece a text's ids
     * depend on what precedes it (a leading space, the start-of-text marker), so a target is tokenized after
     * its prompt, as Hugging Face training code cuts labels from the tokenized prompt + response.
     *
     * @throws IllegalArgumentException when the tokens of {@code context} are not a prefix of those of the whole
     *                                  (the text's first characters merge with the context's last ones)
     */
    default long[] encodeContinuation(String context, String text) {
        long[] head = encode(context);
        long[] whole = encode(context + text);
        if (whole.length < head.length
                || !Arrays.equals(head, 0, head.length, whole, 0, head.length)) {
            String end = context.length() > 20 ? context.substring(context.length() - 20) : context;
            throw new IllegalArgumentException("the text " + quoted(text) + " merges with the end of the prompt "
                    + quoted(end) + " into shared tokens, so its tokens are not a continuation of the prompt's;"
                    + " end the prompt at a token boundary (e.g. a newline) or start the target differently");
        }
        return Arrays.copyOfRange(whole, head.length, whole.length);
    }

    private static String quoted(String s) {
        return '"' + s.replace("\n", "\\n") + '"';
    }

    /** Text of {@code ids}; special tokens are skipped. */
    String decode(long[] ids);

    /** End-of-sequence id, appended after every target. */
    long eosTokenId();

    /** Id used for left padding (never attended to). */
    long padTokenId();

    int vocabularySize();
}
