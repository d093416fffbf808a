package org.cftrec.api.prompt;

import java.util.Objects;

/**
 * A factual prompt as the three fields of an instruction-tuning row (the BIGRec / Alpaca JSON layout):
 * the instruction, the input holding the history, and the expected output (the target text).
 */
public record InstructionRow(String instruction, String input, String output) {
    public InstructionRow {
        Objects.requireNonNull(instruction, "instruction");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
    }
}
