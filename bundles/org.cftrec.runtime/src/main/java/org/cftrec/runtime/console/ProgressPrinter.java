package org.cftrec.runtime.console;

import org.cftrec.api.run.RunInfo;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A followed run's progress for a person: on a terminal one line rewritten in place (as tqdm does); elsewhere
 * (a pipe, a log file, a CI job) plain lines, one when the stage changes and then at most one per
 * {@link #PLAIN_INTERVAL_NANOS}, each flushed at once so that a console shows it while the run goes on.
 */
final class ProgressPrinter {
    static final long PLAIN_INTERVAL_NANOS = 10_000_000_000L;

    private final PrintStream out;
    private final boolean inPlace;
    private String lastStage = "";
    private String lastLine = "";
    private long lastPrinted;
    private int shownWidth;

    ProgressPrinter(PrintStream out, boolean inPlace) {
        this.out = out;
        this.inPlace = inPlace;
    }

    /** In place when the JVM talks to a terminal that can return to the line's start. */
    static ProgressPrinter forTerminal(PrintStream out) {
        return new ProgressPrinter(out, System.console() != null && !"dumb".equals(System.getenv("TERM")));
    }

    void update(RunInfo run) {
        String line = String.format(Locale.ROOT, "[%3.0f%%] %s%s", 100 * run.progress(), run.stage(),
                run.message().isEmpty() ? "" : " | " + run.message());
        if (line.equals(lastLine)) {
            return;
        }
        long now = System.nanoTime();
        boolean newStage = !run.stage().equals(lastStage);
        if (inPlace) {
            if (newStage && shownWidth > 0) {
                out.println(); // the finished stage's last line stays on screen
                shownWidth = 0;
            }
            out.print("\r" + line + " ".repeat(Math.max(0, shownWidth - line.length())));
            shownWidth = line.length();
        } else if (newStage || now - lastPrinted >= PLAIN_INTERVAL_NANOS) {
            out.println(line);
            lastPrinted = now;
        } else {
            return;
        }
        out.flush();
        lastStage = run.stage();
        lastLine = line;
    }

    /** Ends the in-place line, so that what follows starts on a line of its own. */
    void finish() {
        if (inPlace && shownWidth > 0) {
            out.println();
        }
        out.flush();
    }
}
