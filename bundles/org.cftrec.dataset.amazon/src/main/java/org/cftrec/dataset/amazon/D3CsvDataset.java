package org.cftrec.dataset.amazon;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.cftrec.api.PluginName;
import org.cftrec.api.PluginContext;
import org.cftrec.api.data.DatasetPlugin;
import org.cftrec.api.data.DatasetSource;
import org.cftrec.api.data.Domain;
import org.cftrec.api.data.Example;
import org.cftrec.api.data.Item;
import org.cftrec.api.data.LineReader;
import org.cftrec.api.data.RecDataset;
import org.cftrec.api.data.SequenceSplits;
import org.osgi.service.component.annotations.Component;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plugin {@code amazon-d3}: the D3 / BIGRec CSV layout: {@code train/}, {@code valid/} and {@code test/} hold
 * {@code STEM.csv} with the columns user_id, history_item_id, item_id (and titles, list columns as Python
 * literals); the item file has one item per line whose last two tab-separated columns are title and id (the
 * D3 {@code title<TAB>id} file, or MiniOneRec's {@code sid<TAB>title<TAB>id}). Rows keep their order
 * (chronological by target); the last {@code maxHistory} history items are used.
 */
@Component(service = DatasetPlugin.class)
@PluginName(name = "amazon-d3", description = "Amazon in the D3/BIGRec CSV layout (train/valid/test CSV + item file)")
public class D3CsvDataset implements DatasetPlugin<D3CsvDataset.Params> {

    public record Params(
            @JsonPropertyDescription("the folder holding train/, valid/, test/ (relative to the data root)")
            String path,
            @JsonPropertyDescription("the CSV file name without .csv, e.g. "
                    + "Industrial_and_Scientific_5_2016-10-2018-11")
            String stem,
            @JsonPropertyDescription("item file relative to path (default info/STEM.txt)") String items,
            @JsonPropertyDescription("accept a layout without train/STEM.csv (evaluation-only sets); default false")
            Boolean allowMissingTrain,
            @JsonPropertyDescription("history items per example (default 10)") Integer maxHistory,
            @JsonPropertyDescription("noun for prompts (default product)") String itemNoun) {
        public Params {
            if (path == null || stem == null) {
                throw new IllegalArgumentException("path and stem are required");
            }
            items = items == null ? "info/" + stem + ".txt" : items;
            allowMissingTrain = allowMissingTrain != null && allowMissingTrain;
            maxHistory = maxHistory == null ? 10 : maxHistory;
            itemNoun = itemNoun == null ? "product" : itemNoun;
            if (maxHistory < 1) {
                throw new IllegalArgumentException("maxHistory must be >= 1, got " + maxHistory);
            }
        }
    }

    @Override
    public DatasetSource bind(Params params) {
        return DatasetSource.of(context -> load(params, context), context -> checkData(params, context));
    }

    private void checkData(Params params, PluginContext context) throws IOException {
        Path folder = context.requireDataFolder("path", params.path());
        context.requireDataFile(folder, "items", params.items());
        for (String split : params.allowMissingTrain() ? new String[] {"valid", "test"} : new String[] {"train", "valid", "test"}) {
            context.requireDataFile(folder, "stem", split + "/" + params.stem() + ".csv");
        }
    }

    private RecDataset load(Params params, PluginContext context) throws IOException {
        return read(context.resolveData(params.path()), params, context);
    }

    /**
     * Reads the layout in {@code folder} (already resolved; {@code params.path()} is not used); the file names
     * that parameters give are resolved inside it by the context.
     */
    static RecDataset read(Path folder, Params params, PluginContext context) throws IOException {
        Path itemFile = context.resolveDataFile(folder, "items", params.items());
        Map<String, Item> items = new LinkedHashMap<>();
        LineReader.read(itemFile, StandardCharsets.UTF_8, 0, (line, n) -> {
            String[] f = line.split("\t", -1);
            if (f.length < 2) {
                throw new IllegalArgumentException("expected title<TAB>id (or sid<TAB>title<TAB>id)");
            }
            String id = f[f.length - 1].strip();
            if (items.put(id, new Item(id, f[f.length - 2].strip())) != null) {
                throw new IllegalArgumentException("item id " + id + " appears twice");
            }
        });
        Path trainFile = context.resolveDataFile(folder, "stem", "train/" + params.stem() + ".csv");
        List<Example> train = List.of();
        if (Files.isRegularFile(trainFile)) {
            train = examples(trainFile, items, itemFile, params.maxHistory());
        } else if (!params.allowMissingTrain()) {
            throw new IOException(trainFile + ": file not found (set allowMissingTrain for evaluation-only sets)");
        }
        List<Example> valid = examples(context.resolveDataFile(folder, "stem", "valid/" + params.stem() + ".csv"), items, itemFile,
                params.maxHistory());
        List<Example> test = examples(context.resolveDataFile(folder, "stem", "test/" + params.stem() + ".csv"), items, itemFile,
                params.maxHistory());
        SequenceSplits.Splits splits = new SequenceSplits.Splits(train, valid, test);
        List<Item> catalogue = List.copyOf(items.values());
        long rows = (long) train.size() + valid.size() + test.size();
        return new RecDataset(params.stem(), new Domain(params.itemNoun(), params.itemNoun() + "s"), catalogue, train,
                valid, test, SequenceSplits.statistics(SequenceSplits.users(splits), catalogue, rows, splits,
                SequenceSplits::isJunkTitle), List.of());
    }

    private static List<Example> examples(Path file, Map<String, Item> items, Path itemFile, int maxHistory)
            throws IOException {
        List<Example> examples = new ArrayList<>();
        CsvFiles.read(file, List.of("user_id", "history_item_id", "item_id"), record -> {
            List<String> history = PythonLists.pythonList(record.get("history_item_id"));
            String target = record.get("item_id").strip();
            for (String id : history) {
                known(items, id, itemFile);
            }
            known(items, target, itemFile);
            int from = Math.max(0, history.size() - maxHistory);
            examples.add(new Example(record.get("user_id"), history.subList(from, history.size()), target));
        });
        return examples;
    }

    private static void known(Map<String, Item> items, String id, Path itemFile) {
        if (!items.containsKey(id)) {
            throw new IllegalArgumentException("item id " + id + " is not in " + itemFile.getFileName());
        }
    }
}
