package org.cftrec.runtime.console;

import org.cftrec.api.run.RunInfo;

import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.Terminal;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * A followed run's progress for a person: on a terminal one line rewritten in place (as tqdm does); elsewhere
 * (a pipe, a log file, a CI job) plain lines, one when the stage changes and then at most one per
 * {@link #PLAIN_INTERVAL_NANOS}, each flushed at once so that a console shows it while the run goes on.
 * The in-place line is cut to the terminal's width: a line that wraps cannot be rewritten by a carriage return.
 */
final class ProgressPrinter {
    static final long PLAIN_INTERVAL_NANOS = 10_000_000_000L;

    private final PrintStream out;
    private final boolean inPlace;
    private String lastStage = "";
    private String lastLine = "";
    private long lastPrinted;
    private final IntSupplier columns;
    private int shownWidth;

    /** {@code columns}: the terminal's width now, or 0 when unknown (lines are then not cut). */
    ProgressPrinter(PrintStream out, boolean inPlace, IntSupplier columns) {
        this.out = out;
        this.inPlace = inPlace;
        this.columns = columns;
    }

    /**
     * In place when the JVM talks to a terminal that can return to the line's start. The width comes from the
     * console session's terminal (bin/karaf, ssh), else from {@value #COLUMNS_VARIABLE}, which bin/cftrec sets
     * from the caller's terminal (a one-shot session has none of its own).
     */
    static ProgressPrinter forTerminal(PrintStream out, Session session) {
        Terminal terminal = session == null ? null : session.getTerminal();
        boolean inPlace = System.console() != null && !"dumb".equals(System.getenv("TERM"));
        return new ProgressPrinter(out, inPlace, terminal != null ? terminal::getWidth : ProgressPrinter::columnsVariable);
    }

    static final String COLUMNS_VARIABLE = "CFTREC_COLUMNS";

    private static int columnsVariable() {
        try {
            return Integer.parseInt(System.getenv().getOrDefault(COLUMNS_VARIABLE, "0").trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    void update(RunInfo run) {
        String line = String.format(Locale.ROOT, "[%3.0f%%] %s%s", 100 * run.progress(), run.stage(),
                run.message().isEmpty() ? "" : " | " + run.message());
        int width = inPlace ? columns.getAsInt() - 1 : 0; // the last column would make some terminals wrap
        if (width > 0 && line.length() > width) {
            line = line.substring(0, width);
        }
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
