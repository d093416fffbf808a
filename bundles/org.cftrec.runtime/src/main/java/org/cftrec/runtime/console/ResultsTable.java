package org.cftrec.runtime.console;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The side-by-side table of a run's results.json: one row per variant, protocol and history mode, one column
 * per metric, then the dataset's reference scores (oracle, popularity) and the drop when the history is removed.
 */
final class ResultsTable {
    private ResultsTable() {
    }

    static String render(JsonNode results) {
        List<String> metrics = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        JsonNode variants = results.path("variants");
        for (Iterator<Map.Entry<String, JsonNode>> v = variants.fields(); v.hasNext(); ) {
            Map.Entry<String, JsonNode> variant = v.next();
            for (Iterator<Map.Entry<String, JsonNode>> p = variant.getValue().path("evaluation").fields(); p.hasNext(); ) {
                Map.Entry<String, JsonNode> protocol = p.next();
                for (Iterator<Map.Entry<String, JsonNode>> m = protocol.getValue().fields(); m.hasNext(); ) {
                    Map.Entry<String, JsonNode> mode = m.next();
                    if (metrics.isEmpty()) {
                        mode.getValue().fieldNames().forEachRemaining(f -> {
                            if (f.startsWith("HR@") || f.startsWith("NDCG@")) {
                                metrics.add(f);
                            }
                        });
                    }
                    List<String> row = new ArrayList<>(List.of(variant.getKey(), protocol.getKey(), mode.getKey()));
                    metrics.forEach(name -> row.add(number(mode.getValue().path(name))));
                    rows.add(row);
                }
            }
        }
        for (JsonNode reference : results.path("references")) {
            List<String> row = new ArrayList<>(List.of("(" + reference.path("name").asText() + ")", "-", "-"));
            metrics.forEach(name -> row.add(number(reference.path("metrics").path(name))));
            rows.add(row);
        }
        List<String> header = new ArrayList<>(List.of("variant", "protocol", "history"));
        header.addAll(metrics);
        StringBuilder out = new StringBuilder(format(header)).append('\n');
        rows.forEach(r -> out.append(format(r)).append('\n'));
        return out.toString();
    }

    private static String number(JsonNode value) {
        return value.isNumber() ? String.format(Locale.ROOT, "%.4f", value.asDouble()) : "-";
    }

    private static String format(List<String> cells) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            line.append(i < 3 ? String.format("%-10s", cell) : String.format("%9s", cell)).append(' ');
        }
        return line.toString().stripTrailing();
    }
}
