package org.cftrec.runtime.console;

import org.cftrec.api.run.RunInfo;
import org.cftrec.api.run.RunStatus;
import org.junit.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

import static org.junit.Assert.assertEquals;

public class ProgressPrinterTest {

    private static RunInfo at(String stage, double progress, String message) {
        return new RunInfo("r", "demo", RunStatus.RUNNING, Path.of("runs/r"), stage, progress, message, Instant.EPOCH,
                null);
    }

    @Test
    public void aTerminalGetsOneLineRewrittenInPlaceAndANewOneForEachStage() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressPrinter printer = new ProgressPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, () -> 0);
        printer.update(at("sft: training", 0.1, "step 1/10"));
        printer.update(at("sft: training", 0.2, "step 2/10"));
        printer.update(at("sft: evaluation", 0.5, "d3"));
        printer.finish();
        assertEquals("\r[ 10%] sft: training | step 1/10\r[ 20%] sft: training | step 2/10\n"
                + "\r[ 50%] sft: evaluation | d3\n", bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    public void aPipeGetsALineAtEachStageAndThenAtMostOneEveryTenSeconds() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressPrinter printer = new ProgressPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, () -> 0);
        printer.update(at("sft: training", 0.1, "step 1/10"));
        printer.update(at("sft: training", 0.2, "step 2/10")); // within 10 s of the last line: not printed
        printer.update(at("sft: evaluation", 0.5, ""));
        printer.finish();
        assertEquals("[ 10%] sft: training | step 1/10\n[ 50%] sft: evaluation\n",
                bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    public void theInPlaceLineIsCutToTheTerminalsWidthSoThatItNeverWraps() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int[] width = {20};
        ProgressPrinter printer = new ProgressPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8), true,
                () -> width[0]);
        printer.update(at("sft: training", 0.1, "step 1/10 | loss 4.4"));
        printer.update(at("sft: training", 0.1, "step 1/10 | loss 4.3")); // the same first 19 columns: not printed again
        width[0] = 30; // the terminal was widened
        printer.update(at("sft: training", 0.2, "step 2/10 | loss 4.2"));
        printer.finish();
        assertEquals("\r[ 10%] sft: trainin\r[ 20%] sft: training | step 2\n",
                bytes.toString(StandardCharsets.UTF_8));
    }
}
