package org.cftrec.api.model;

/** The backbone's tokenizer, reduced to what training and decoding need. */
public interface TextTokenizer {

    /** Token ids of {@code text}, without special tokens. */
    long[] encode(String text);

    /** Text of {@code ids}; special tokens are skipped. */
    String decode(long[] ids);

    /** End-of-sequence id, appended after every target. */
    long eosTokenId();

    /** Id used for left padding (never attended to). */
    long padTokenId();

    int vocabularySize();
}
