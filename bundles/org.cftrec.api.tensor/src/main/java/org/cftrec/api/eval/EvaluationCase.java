package org.cftrec.api.eval;

import org.cftrec.api.data.Example;

import java.util.Objects;

/** One test case: the example and its rendered prompt (already in the job's history mode). */
public record EvaluationCase(Example example, String prompt) {
    public EvaluationCase {
        Objects.requireNonNull(example, "example");
        Objects.requireNonNull(prompt, "prompt");
    }
}
