package org.cftrec.api.data;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A loaded dataset: the catalogue and the examples of each split, all histories and targets given as
 * catalogue item ids.
 */
public record RecDataset(String name, Domain domain, List<Item> catalogue, List<Example> train,
                         List<Example> valid, List<Example> test, DatasetStatistics statistics,
                         List<ReferenceScores> references) {
    public RecDataset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(statistics, "statistics");
        catalogue = List.copyOf(catalogue);
        train = List.copyOf(train);
        valid = List.copyOf(valid);
        test = List.copyOf(test);
        references = List.copyOf(references);
    }

    /** Catalogue items by id, in catalogue order. */
    public Map<String, Item> itemsById() {
        Map<String, Item> byId = new LinkedHashMap<>();
        for (Item item : catalogue) {
            byId.put(item.id(), item);
        }
        return byId;
    }
}
