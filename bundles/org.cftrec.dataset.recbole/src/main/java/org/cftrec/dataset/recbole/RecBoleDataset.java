package org.cftrec.dataset.recbole;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.cftrec.api.PluginName;
import org.cftrec.api.PluginContext;
import org.cftrec.api.data.DatasetPlugin;
import org.cftrec.api.data.DatasetSource;
import org.cftrec.api.data.Domain;
import org.cftrec.api.data.Item;
import org.cftrec.api.data.LineReader;
import org.cftrec.api.data.RecDataset;
import org.cftrec.api.data.SequenceSplits;
import org.osgi.service.component.annotations.Component;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plugin {@code recbole}: RecBole atomic files {@code NAME.train.inter}, {@code .valid.inter},
 * {@code .test.inter} ({@code user_id:token  item_id_list:token_seq  item_id:token}) with an item-title file.
 * Each user's full sequence is rebuilt (histories in the files are truncated): with the training rows in
 * reverse file order, the first row's history, then the training targets, then the valid and the test target. Then leave-one-out with
 * the last {@code maxHistory} items, which reproduces the shipped split.
 */
@Component(service = DatasetPlugin.class)
@PluginName(name = "recbole",
        description = "RecBole atomic .inter files + item titles (e.g. Amazon Scientific), leave-one-out")
public class RecBoleDataset implements DatasetPlugin<RecBoleDataset.Params> {

    public record Params(
            @JsonPropertyDescription("folder of the atomic files (relative to the data root)") String path,
            @JsonPropertyDescription("file prefix, e.g. Scientific") String name,
            @JsonPropertyDescription("item file, default NAME.titles.tsv (header line; item index, asin, title)")
            String titles,
            @JsonPropertyDescription("history items per example (default 10)") Integer maxHistory,
            @JsonPropertyDescription("noun for prompts (default product)") String itemNoun) {
        public Params {
            if (path == null || name == null) {
                throw new IllegalArgumentException("path and name are required (e.g. name 'Scientific')");
            }
            titles = titles == null ? name + ".titles.tsv" : titles;
            maxHistory = maxHistory == null ? 10 : maxHistory;
            itemNoun = itemNoun == null ? "product" : itemNoun;
            if (maxHistory < 1) {
                throw new IllegalArgumentException("maxHistory must be >= 1, got " + maxHistory);
            }
        }
    }

    private record Row(String user, List<String> history, String target) {
    }

    @Override
    public DatasetSource bind(Params params) {
        return DatasetSource.of(context -> load(params, context), context -> checkData(params, context));
    }

    private void checkData(Params params, PluginContext context) throws IOException {
        Path folder = context.requireDataFolder("path", params.path());
        context.requireDataFile(folder, "titles", params.titles());
        for (String split : new String[] {"train", "valid", "test"}) {
            context.requireDataFile(folder, "name", params.name() + "." + split + ".inter");
        }
    }

    private RecDataset load(Params params, PluginContext context) throws IOException {
        Path folder = context.resolveData(params.path());
        Path titleFile = context.resolveDataFile(folder, "titles", params.titles());
        Map<String, Item> items = ItemTitles.read(titleFile, "\t", 0, 2, 1);
        Map<String, List<Row>> train = rows(context.resolveDataFile(folder, "name", params.name() + ".train.inter"),
                items, titleFile);
        Map<String, List<Row>> valid = rows(context.resolveDataFile(folder, "name", params.name() + ".valid.inter"),
                items, titleFile);
        Map<String, List<Row>> test = rows(context.resolveDataFile(folder, "name", params.name() + ".test.inter"),
                items, titleFile);
        Map<String, List<String>> sequences = new LinkedHashMap<>();
        long interactions = 0;
        for (Map.Entry<String, List<Row>> e : test.entrySet()) {
            String user = e.getKey();
            List<Row> trainRows = new ArrayList<>(train.getOrDefault(user, List.of()));
            // Rows come latest target first; histories are truncated, so file order (not length) gives time order.
            java.util.Collections.reverse(trainRows);
            List<String> sequence = new ArrayList<>();
            if (!trainRows.isEmpty()) {
                sequence.addAll(trainRows.get(0).history());
                trainRows.forEach(r -> sequence.add(r.target()));
            } else {
                sequence.addAll(e.getValue().get(0).history());
                sequence.remove(sequence.size() - 1);
            }
            List<Row> validRows = valid.get(user);
            if (validRows == null) {
                throw new IOException(folder.resolve(params.name() + ".valid.inter") + ": user " + user
                        + " has a test row but no valid row");
            }
            sequence.add(validRows.get(0).target());
            sequence.add(e.getValue().get(0).target());
            sequences.put(user, sequence);
            interactions += sequence.size();
        }
        SequenceSplits.Splits splits = SequenceSplits.leaveOneOut(sequences, params.maxHistory());
        List<Item> catalogue = List.copyOf(items.values());
        return new RecDataset(params.name(), new Domain(params.itemNoun(), params.itemNoun() + "s"), catalogue,
                splits.train(), splits.valid(), splits.test(), SequenceSplits.statistics(sequences.size(), catalogue,
                interactions, splits, SequenceSplits::isJunkTitle), List.of());
    }

    private static Map<String, List<Row>> rows(Path file, Map<String, Item> items, Path titleFile) throws IOException {
        Map<String, List<Row>> byUser = new LinkedHashMap<>();
        LineReader.read(file, StandardCharsets.UTF_8, 1, (line, n) -> {
            String[] f = line.split("\t", -1);
            if (f.length != 3) {
                throw new IllegalArgumentException("expected user_id, item_id_list, item_id; got " + f.length + " columns");
            }
            List<String> history = f[1].isBlank() ? List.of() : Arrays.asList(f[1].strip().split(" "));
            history.forEach(id -> ItemTitles.requireKnown(items, id, titleFile));
            ItemTitles.requireKnown(items, f[2].strip(), titleFile);
            byUser.computeIfAbsent(f[0].strip(), u -> new ArrayList<>()).add(new Row(f[0].strip(), history, f[2].strip()));
        });
        return byUser;
    }
}
