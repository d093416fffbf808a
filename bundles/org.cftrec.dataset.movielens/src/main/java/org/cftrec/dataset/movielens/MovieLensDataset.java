package org.cftrec.dataset.movielens;

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
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Plugin {@code movielens}: GroupLens ml-100k ({@code u.data}, {@code u.item}) or ml-1m ({@code ratings.dat},
 * {@code movies.dat}), both ISO-8859-1. Each user's ratings are ordered by (timestamp, item id), which breaks
 * the many timestamp ties deterministically; then leave-one-out with sliding windows of at most
 * {@code maxHistory} items. The catalogue is every movie of the item file.
 */
@Component(service = DatasetPlugin.class)
@PluginName(name = "movielens", description = "MovieLens ml-100k / ml-1m, (timestamp, item) order, leave-one-out")
public class MovieLensDataset implements DatasetPlugin<MovieLensDataset.Params> {
    private static final Pattern TAB = Pattern.compile("\t");
    private static final Pattern PIPE = Pattern.compile("\\|");
    private static final Pattern COLONS = Pattern.compile("::");

    public record Params(
            @JsonPropertyDescription("folder holding the files (relative to the data root)") String path,
            @JsonPropertyDescription("keep only ratings >= this (0 = all ratings count as interactions)")
            Integer minRating,
            @JsonPropertyDescription("history items per example (default 10)") Integer maxHistory,
            @JsonPropertyDescription("use only the first N users by id (0 = all), for quick runs") Integer maxUsers) {
        public Params {
            if (path == null || path.isBlank()) {
                throw new IllegalArgumentException("path is required: the folder with u.data/u.item or ratings.dat/movies.dat");
            }
            minRating = minRating == null ? 0 : minRating;
            maxHistory = maxHistory == null ? 10 : maxHistory;
            maxUsers = maxUsers == null ? 0 : maxUsers;
            if (minRating < 0 || minRating > 5) {
                throw new IllegalArgumentException("minRating must be in [0, 5], got " + minRating);
            }
            if (maxHistory < 1 || maxUsers < 0) {
                throw new IllegalArgumentException("maxHistory must be >= 1 and maxUsers >= 0");
            }
        }
    }

    private record Rating(long timestamp, long item) {
    }

    @Override
    public DatasetSource bind(Params params) {
        return DatasetSource.of(context -> load(params, context), context -> checkData(params, context));
    }

    private void checkData(Params params, PluginContext context) throws IOException {
        Layout.of(context, context.requireDataFolder("path", params.path()));
    }

    /**
     * The two files of the folder's layout, each through the context's confined resolver: a file that is a link
     * out of the folder or the allowed roots is refused, like a {@code ../} name.
     */
    private record Layout(boolean ml100k, Path items, Path ratings) {
        static Layout of(PluginContext context, Path folder) throws IOException {
            boolean ml100k = Files.exists(folder.resolve("u.data"), LinkOption.NOFOLLOW_LINKS);
            if (!ml100k && !Files.exists(folder.resolve("ratings.dat"), LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(folder + ": neither u.data (ml-100k) nor ratings.dat (ml-1m) found");
            }
            return new Layout(ml100k, context.requireDataFile(folder, "file", ml100k ? "u.item" : "movies.dat"),
                    context.requireDataFile(folder, "file", ml100k ? "u.data" : "ratings.dat"));
        }
    }

    private RecDataset load(Params params, PluginContext context) throws IOException {
        Layout layout = Layout.of(context, context.requireDataFolder("path", params.path()));
        boolean ml100k = layout.ml100k();
        Path itemFile = layout.items();
        Map<String, Item> items = new LinkedHashMap<>();
        LineReader.read(itemFile, StandardCharsets.ISO_8859_1, 0, (line, n) -> {
            String[] f = (ml100k ? PIPE : COLONS).split(line, -1);
            if (f.length < (ml100k ? 5 : 3)) {
                throw new IllegalArgumentException("expected " + (ml100k ? "id|title|release|video|url|genres"
                        : "id::title::genres") + ", got " + f.length + " fields");
            }
            number(f[0], "movie id");
            if (items.put(f[0], new Item(f[0], f[1].strip())) != null) {
                throw new IllegalArgumentException("movie id " + f[0] + " appears twice");
            }
        });
        Map<Long, List<Rating>> byUser = new TreeMap<>();
        long[] interactions = {0};
        LineReader.read(layout.ratings(), StandardCharsets.ISO_8859_1, 0, (line, n) -> {
            String[] f = (ml100k ? TAB : COLONS).split(line, -1);
            if (f.length != 4) {
                throw new IllegalArgumentException("expected user, item, rating, timestamp; got " + f.length + " fields");
            }
            long item = number(f[1], "item id");
            if (!items.containsKey(f[1])) {
                throw new IllegalArgumentException("item id " + f[1] + " is not in " + itemFile.getFileName());
            }
            long rating = number(f[2], "rating");
            if (rating >= params.minRating()) {
                byUser.computeIfAbsent(number(f[0], "user id"), u -> new ArrayList<>())
                        .add(new Rating(number(f[3], "timestamp"), item));
                interactions[0]++;
            }
        });
        Map<String, List<String>> sequences = new LinkedHashMap<>();
        long kept = 0;
        for (Map.Entry<Long, List<Rating>> e : byUser.entrySet()) {
            if (params.maxUsers() > 0 && sequences.size() >= params.maxUsers()) {
                break;
            }
            List<Rating> ratings = e.getValue();
            ratings.sort(Comparator.comparingLong(Rating::timestamp).thenComparingLong(Rating::item));
            sequences.put(String.valueOf(e.getKey()), ratings.stream().map(r -> String.valueOf(r.item())).toList());
            kept += ratings.size();
        }
        SequenceSplits.Splits splits = SequenceSplits.leaveOneOut(sequences, params.maxHistory());
        List<Item> catalogue = List.copyOf(items.values());
        return new RecDataset(ml100k ? "ml-100k" : "ml-1m", new Domain("movie", "movies"), catalogue, splits.train(),
                splits.valid(), splits.test(), SequenceSplits.statistics(sequences.size(), catalogue,
                params.maxUsers() > 0 ? kept : interactions[0], splits,
                t -> SequenceSplits.isJunkTitle(t) || t.equalsIgnoreCase("unknown")), List.of());
    }

    private static long number(String text, String what) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + text + "' is not a number");
        }
    }
}
