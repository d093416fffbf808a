package org.cftrec.dataset.amazon;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.cftrec.api.PluginName;
import org.cftrec.api.PluginContext;
import org.cftrec.api.data.DatasetPlugin;
import org.cftrec.api.data.DatasetSource;
import org.cftrec.api.data.RecDataset;
import org.osgi.service.component.annotations.Component;

import java.io.IOException;
import java.nio.file.Path;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;

/**
 * Plugin {@code amazon-2018}: a raw Amazon Reviews 2018 category ({@code <Category>_5.json[.gz]} and
 * {@code meta_<Category>.json[.gz]}) prepared with the D3/BIGRec recipe ({@link AmazonRecipe}), written out in
 * the D3 CSV layout (under the run's work folder, or {@code output}) and loaded from there exactly as
 * {@code amazon-d3} loads it, so a prepared folder can be reused with {@code amazon-d3} afterwards.
 */
@Component(service = DatasetPlugin.class)
@PluginName(name = "amazon-2018",
        description = "raw Amazon Reviews 2018 category, prepared with the D3/BIGRec recipe into the D3 CSV layout")
public class Amazon2018Dataset implements DatasetPlugin<Amazon2018Dataset.Params> {

    public record Params(
            @JsonPropertyDescription("folder with the raw files (relative to the data root)") String path,
            @JsonPropertyDescription("file name part, e.g. Industrial_and_Scientific") String category,
            @JsonPropertyDescription("first month of the window, YYYY-MM (default 2017-10); moved back a year at a "
                    + "time until the window holds minItems items")
            String start,
            @JsonPropertyDescription("last month of the window, inclusive (default 2018-11)") String end,
            @JsonPropertyDescription("default 10000") Integer minItems,
            @JsonPropertyDescription("k of the iterative k-core on users and items (default 5)") Integer core,
            @JsonPropertyDescription("history items per sample (default 10)") Integer maxHistory,
            @JsonPropertyDescription("where the D3 layout is written, relative to the run's work folder (default "
                    + "amazon-2018)")
            String output,
            @JsonPropertyDescription("noun for prompts (default product)") String itemNoun) {
        public Params {
            if (path == null || category == null || category.isBlank()) {
                throw new IllegalArgumentException("path and category are required (e.g. category 'Industrial_and_Scientific')");
            }
            start = start == null ? "2017-10" : start;
            end = end == null ? "2018-11" : end;
            minItems = minItems == null ? 10_000 : minItems;
            core = core == null ? 5 : core;
            maxHistory = maxHistory == null ? 10 : maxHistory;
            output = output == null ? "amazon-2018" : output;
            itemNoun = itemNoun == null ? "product" : itemNoun;
            settings(start, end, minItems, core, maxHistory); // validates
        }

        AmazonRecipe.Settings settings() {
            return settings(start, end, minItems, core, maxHistory);
        }

        private static AmazonRecipe.Settings settings(String start, String end, int minItems, int core, int maxHistory) {
            return new AmazonRecipe.Settings(month("start", start), month("end", end), minItems, core, maxHistory);
        }

        private static YearMonth month(String field, String value) {
            try {
                return YearMonth.parse(value);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(field + " must be a month YYYY-MM, got '" + value + "'");
            }
        }
    }

    @Override
    public DatasetSource bind(Params params) {
        return DatasetSource.of(context -> load(params, context), context -> checkData(params, context));
    }

    private void checkData(Params params, PluginContext context) throws IOException {
        Path raw = context.requireDataFolder("path", params.path());
        AmazonRawFiles.find(context, raw, params.category() + "_5");
        AmazonRawFiles.find(context, raw, "meta_" + params.category());
    }

    private RecDataset load(Params params, PluginContext context) throws IOException {
        Path work = context.workDirectory().toAbsolutePath().normalize();
        Path folder = work.resolve(params.output()).normalize();
        if (!folder.startsWith(work)) {
            throw new IOException("output '" + params.output() + "' leaves the run's work folder " + work);
        }
        Path raw = context.resolveData(params.path());
        AmazonRecipe.Prepared prepared = AmazonRecipe.prepare(
                AmazonRawFiles.reviews(AmazonRawFiles.find(context, raw, params.category() + "_5")),
                AmazonRawFiles.titles(AmazonRawFiles.find(context, raw, "meta_" + params.category())),
                params.settings());
        if (prepared.train().isEmpty() || prepared.test().isEmpty()) {
            throw new IOException(raw + ": the recipe left too few reviews (" + prepared.interactions()
                    + " after the " + params.core() + "-core) for train and test splits");
        }
        String stem = D3LayoutWriter.stem(params.category(), prepared);
        D3LayoutWriter.write(folder, stem, prepared);
        // The prepared layout lies in the run's own work folder, which the user's data roots need not contain.
        PluginContext workOnly = new PluginContext(context.seed(), work, work, java.util.List.of(work));
        return D3CsvDataset.read(folder, new D3CsvDataset.Params(params.output(), stem, null, false,
                params.maxHistory(), params.itemNoun()), workOnly);
    }
}
