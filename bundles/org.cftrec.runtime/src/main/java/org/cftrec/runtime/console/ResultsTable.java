package org.cftrec.runtime.console;

import org.apache.karaf.shell.support.table.Col;
import org.apache.karaf.shell.support.table.ShellTable;
import org.cftrec.api.data.ReferenceScores;
import org.cftrec.api.run.ExperimentResults;
import org.cftrec.api.run.ModeResults;
import org.cftrec.api.run.VariantResults;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The side-by-side table of a run's results: one row per variant, protocol and history mode, one column per metric,
 * then the reference scores (popularity, and the oracle of a synthetic dataset) in rows of their own.
 */
final class ResultsTable {
    private ResultsTable() {
    }

    static String render(ExperimentResults results) {
        TreeSet<String> metrics = new TreeSet<>(ModeResults.METRIC_ORDER);
        results.variants().values().forEach(v -> v.evaluation().values()
                .forEach(modes -> modes.values().forEach(m -> metrics.addAll(m.metrics().keySet()))));
        ShellTable table = new ShellTable();
        table.column("variant");
        table.column("protocol");
        table.column("history");
        metrics.forEach(name -> table.column(new Col(name).alignRight()));
        for (Map.Entry<String, VariantResults> variant : results.variants().entrySet()) {
            for (Map.Entry<String, Map<String, ModeResults>> protocol : variant.getValue().evaluation().entrySet()) {
                for (Map.Entry<String, ModeResults> mode : protocol.getValue().entrySet()) {
                    List<Object> row = new ArrayList<>(List.of(variant.getKey(), protocol.getKey(), mode.getKey()));
                    metrics.forEach(name -> row.add(number(mode.getValue().metrics().get(name))));
                    table.addRow().addContent(row);
                }
            }
        }
        for (ReferenceScores reference : results.references()) {
            List<Object> row = new ArrayList<>(List.of("(" + reference.name() + ")", "-", "-"));
            metrics.forEach(name -> row.add(number(reference.metrics().get(name))));
            table.addRow().addContent(row);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        table.print(new PrintStream(out, true, StandardCharsets.UTF_8), true);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String number(Double value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.4f", value);
    }
}
