package org.cftrec.backbone.llama;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.cftrec.api.model.TextTokenizer;
import org.cftrec.djl.Djl;

import java.nio.file.Path;
import java.util.Map;

/** A Hugging Face {@code tokenizer.json}, opened through the platform bundle so its native library is found. */
public final class HfTokenizer implements TextTokenizer, AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final long eos;
    private final long pad;
    private final int vocabularySize;

    public HfTokenizer(Path tokenizerJson, long eos, long pad, int vocabularySize) {
        try {
            this.tokenizer = Djl.tokenizer(tokenizerJson, Map.of("addSpecialTokens", "false",
                    "modelMaxLength", "1000000", "truncation", "false", "padding", "false"));
        } catch (RuntimeException e) {
            // The native library's messages ("data did not match any variant of untagged enum ...") name no file.
            throw new IllegalArgumentException(tokenizerJson + ": not a valid Hugging Face tokenizer.json ("
                    + e.getMessage() + ")", e);
        }
        this.eos = eos;
        this.pad = pad;
        this.vocabularySize = vocabularySize;
    }

    @Override
    public long[] encode(String text) {
        return tokenizer.encode(text, false, false).getIds();
    }

    /** With the special tokens of the tokenizer's post-processor, as Hugging Face's add_special_tokens=True. */
    @Override
    public long[] encodePrompt(String prompt) {
        return tokenizer.encode(prompt, true, false).getIds();
    }

    @Override
    public String decode(long[] ids) {
        return tokenizer.decode(ids, true);
    }

    @Override
    public long eosTokenId() {
        return eos;
    }

    @Override
    public long padTokenId() {
        return pad;
    }

    @Override
    public int vocabularySize() {
        return vocabularySize;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
