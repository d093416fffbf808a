package org.cftrec.dataset.recbole;

import com.fasterxml.jackson.annotation.JsonProperty;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plugin {@code sequence-tsv}: one sequence per line ({@code seq_id <TAB> split <TAB> item ids}) and an
 * id-to-name file ({@code id::name}), e.g. the LLaRA Last.fm data. With the {@code user-level} split (default)
 * train sequences give one example per position whose history has at least {@code minHistory} items, and each
 * valid/test sequence gives one example, its last item (LLaRA's protocol). {@code leave-one-out} ignores the
 * split column and splits inside every sequence.
 */
@Component(service = DatasetPlugin.class)
@PluginName(name = "sequence-tsv",
        description = "sequence TSV + id::name file (e.g. Last.fm), user-level or leave-one-out split")
public class SequenceTsvDataset implements DatasetPlugin<SequenceTsvDataset.Params> {

    public record Params(
            @JsonPropertyDescription("folder (relative to the data root)") String path,
            @JsonPropertyDescription("sequence file (default sequences.tsv, one header line)") String sequences,
            @JsonPropertyDescription("id-to-name file (default id2name.txt, id::name)") String names,
            @JsonPropertyDescription("user-level: the users' own train/valid/test labels (LLaRA); leave-one-out: the last"
                    + " item of each sequence is the test target, the one before it the validation target") Split split,
            @JsonPropertyDescription("user-level: shortest history of a training example (default 3, as LLaRA)")
            Integer minHistory,
            @JsonPropertyDescription("history items per example (default 10)") Integer maxHistory,
            @JsonPropertyDescription("noun for prompts (default artist)") String itemNoun) {
        public Params {
            if (path == null) {
                throw new IllegalArgumentException("path is required");
            }
            sequences = sequences == null ? "sequences.tsv" : sequences;
            names = names == null ? "id2name.txt" : names;
            split = split == null ? Split.USER_LEVEL : split;
            minHistory = minHistory == null ? 3 : minHistory;
            maxHistory = maxHistory == null ? 10 : maxHistory;
            itemNoun = itemNoun == null ? "artist" : itemNoun;
            if (minHistory < 1 || maxHistory < minHistory) {
                throw new IllegalArgumentException("need 1 <= minHistory <= maxHistory");
            }
        }
    }

    /** How sequences become training, validation and test examples. */
    public enum Split {
        @JsonProperty("user-level") USER_LEVEL,
        @JsonProperty("leave-one-out") LEAVE_ONE_OUT
    }

    @Override
    public DatasetSource bind(Params params) {
        return DatasetSource.of(context -> load(params, context), context -> checkData(params, context));
    }

    private void checkData(Params params, PluginContext context) throws IOException {
        Path folder = context.requireDataFolder("path", params.path());
        context.requireDataFile(folder, "names", params.names());
        context.requireDataFile(folder, "sequences", params.sequences());
    }

    private RecDataset load(Params params, PluginContext context) throws IOException {
        Path folder = context.resolveData(params.path());
        Path namesFile = context.resolveDataFile(folder, "names", params.names());
        Map<String, Item> items = ItemTitles.read(namesFile, "::", 0, 1, 0);
        Map<String, List<String>> sequences = new LinkedHashMap<>();
        Map<String, String> splitOf = new LinkedHashMap<>();
        long[] interactions = {0};
        LineReader.read(context.resolveDataFile(folder, "sequences", params.sequences()), StandardCharsets.UTF_8, 1, (line, n) -> {
            String[] f = line.split("\t", -1);
            if (f.length != 3) {
                throw new IllegalArgumentException("expected seq_id, split, item_ids; got " + f.length + " columns");
            }
            if (!List.of("train", "valid", "test").contains(f[1])) {
                throw new IllegalArgumentException("split '" + f[1] + "' is not train, valid or test");
            }
            List<String> ids = Arrays.asList(f[2].strip().split(" "));
            ids.forEach(id -> ItemTitles.requireKnown(items, id, namesFile));
            if (sequences.put(f[0], ids) != null) {
                throw new IllegalArgumentException("sequence " + f[0] + " appears twice");
            }
            splitOf.put(f[0], f[1]);
            interactions[0] += ids.size();
        });
        SequenceSplits.Splits splits = params.split() == Split.LEAVE_ONE_OUT
                ? SequenceSplits.leaveOneOut(sequences, params.maxHistory())
                : userLevel(sequences, splitOf, params);
        List<Item> catalogue = List.copyOf(items.values());
        return new RecDataset(folder.getFileName().toString(), new Domain(params.itemNoun(), params.itemNoun() + "s"),
                catalogue, splits.train(), splits.valid(), splits.test(), SequenceSplits.statistics(sequences.size(),
                catalogue, interactions[0], splits, SequenceSplits::isJunkTitle), List.of());
    }

    private static SequenceSplits.Splits userLevel(Map<String, List<String>> sequences, Map<String, String> splitOf,
                                                   Params params) {
        List<Example> train = new ArrayList<>();
        List<Example> valid = new ArrayList<>();
        List<Example> test = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : sequences.entrySet()) {
            List<String> items = e.getValue();
            switch (splitOf.get(e.getKey())) {
                case "train" -> {
                    for (int t = params.minHistory(); t < items.size(); t++) {
                        train.add(SequenceSplits.example(e.getKey(), items, t, params.maxHistory()));
                    }
                }
                case "valid" -> valid.add(SequenceSplits.example(e.getKey(), items, items.size() - 1, params.maxHistory()));
                default -> test.add(SequenceSplits.example(e.getKey(), items, items.size() - 1, params.maxHistory()));
            }
        }
        return new SequenceSplits.Splits(train, valid, test);
    }
}
