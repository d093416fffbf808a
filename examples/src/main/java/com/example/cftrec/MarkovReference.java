package com.example.cftrec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.cftrec.api.PluginName;
import org.cftrec.api.data.Example;
import org.cftrec.api.reference.Reference;
import org.cftrec.api.reference.ReferencePlugin;
import org.osgi.service.component.annotations.Component;

import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reference {@code markov}: a first-order Markov chain, the classic baseline of next-item recommendation. Items
 * are ranked by how often they followed the case's last history item in the training examples (smoothed by
 * {@code prior} times their popularity as training targets), history items left out, as the runtime's popularity
 * and item-kNN references rank. A team's own reference needs nothing more than the plugin API: no tensors, no DJL.
 */
@Component(service = ReferencePlugin.class)
@PluginName(name = "markov", description = "example plugin: first-order Markov chain over the last history item")
public class MarkovReference implements ReferencePlugin<MarkovReference.Params> {

    public record Params(
            @JsonPropertyDescription("weight of an item's popularity beside its transition count, >= 0; default 0.01")
            Double prior) {
        public Params {
            prior = prior == null ? 0.01 : prior;
            if (!(prior >= 0 && Double.isFinite(prior))) {
                throw new IllegalArgumentException("prior must be a finite number >= 0, got " + prior);
            }
        }
    }

    @Override
    public Reference bind(Params params) {
        return job -> {
            Map<String, Map<String, Integer>> next = new HashMap<>();
            Map<String, Integer> popularity = new HashMap<>();
            for (Example e : job.dataset().train()) {
                popularity.merge(e.target(), 1, Integer::sum);
                if (!e.history().isEmpty()) {
                    next.computeIfAbsent(e.history().get(e.history().size() - 1), k -> new HashMap<>())
                            .merge(e.target(), 1, Integer::sum);
                }
            }
            List<String> items = job.dataset().catalogue().stream().map(i -> i.id()).toList();
            List<Example> cases = job.cases();
            int[] ranks = new int[cases.size()];
            for (int c = 0; c < cases.size(); c++) {
                job.checkStop();
                Example e = cases.get(c);
                Map<String, Integer> after = e.history().isEmpty() ? Map.of()
                        : next.getOrDefault(e.history().get(e.history().size() - 1), Map.of());
                Set<String> history = new HashSet<>(e.history());
                Comparator<String> byScore = Comparator.comparingDouble((String id) -> -(after.getOrDefault(id, 0)
                        + params.prior() * popularity.getOrDefault(id, 0)));
                List<String> order = items.stream().filter(id -> !history.contains(id)).sorted(byScore).toList();
                ranks[c] = history.contains(e.target()) ? 0 : order.indexOf(e.target()) + 1; // 0 when not in the catalogue
            }
            return ranks;
        };
    }
}
