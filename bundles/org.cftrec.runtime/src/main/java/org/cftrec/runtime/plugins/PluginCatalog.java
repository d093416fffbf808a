package org.cftrec.runtime.plugins;

import org.cftrec.api.Plugin;
import org.cftrec.api.PluginKind;
import org.cftrec.api.data.DatasetProvider;
import org.cftrec.api.eval.Evaluator;
import org.cftrec.api.model.BackboneProvider;
import org.cftrec.api.prompt.PromptTemplate;
import org.cftrec.api.run.PluginInfo;
import org.cftrec.api.spec.PluginRef;
import org.cftrec.api.spec.SpecException;
import org.cftrec.api.train.TrainerProvider;
import org.cftrec.api.weighting.WeightingSchedule;
import org.cftrec.runtime.spec.SpecJson;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The installed plugins, as the service registry has them. One dynamic, greedy, multiple reference per
 * kind keeps the lists current while bundles come and go; names are resolved when a run starts.
 */
@Component(service = PluginCatalog.class, immediate = true)
public class PluginCatalog {

    @Reference(service = DatasetProvider.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<ServiceReference<?>> dataset;

    @Reference(service = PromptTemplate.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<ServiceReference<?>> prompt;

    @Reference(service = BackboneProvider.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<ServiceReference<?>> backbone;

    @Reference(service = WeightingSchedule.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<ServiceReference<?>> weighting;

    @Reference(service = TrainerProvider.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<ServiceReference<?>> trainer;

    @Reference(service = Evaluator.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<ServiceReference<?>> evaluator;

    private volatile ComponentContext context;

    @Activate
    void activate(ComponentContext componentContext) {
        this.context = componentContext;
    }

    /** Every installed plugin, sorted by kind and name. */
    public List<PluginInfo> list() {
        List<PluginInfo> all = new ArrayList<>();
        for (PluginKind kind : PluginKind.values()) {
            for (ServiceReference<?> ref : references(kind)) {
                if (nameOf(ref) == null) {
                    continue; // registered without cftrec.name: not addressable from a spec
                }
                Object service = context.locateService(kind.label(), ref);
                if (service instanceof Plugin<?> plugin) {
                    all.add(info(kind, ref, plugin));
                }
            }
        }
        all.sort(Comparator.comparing(PluginInfo::kind).thenComparing(PluginInfo::name));
        return all;
    }

    /** Names installed for one kind, sorted. */
    public List<String> names(PluginKind kind) {
        return references(kind).stream().map(PluginCatalog::nameOf).filter(Objects::nonNull).distinct().sorted()
                .toList();
    }

    /**
     * Finds the plugin a spec names and binds its parameters.
     *
     * @param path where the reference sits in the spec, e.g. {@code weighting} or {@code variants[1].trainer}
     * @throws SpecException for an unknown name (listing the installed ones) or bad parameters
     */
    public <T> ResolvedPlugin<T> resolve(PluginKind kind, PluginRef ref, String path, Class<T> type) {
        // OSGi's order: highest service ranking, then oldest registration.
        List<ServiceReference<?>> candidates = references(kind).stream()
                .filter(r -> ref.plugin().equals(nameOf(r)))
                .sorted(Comparator.<ServiceReference<?>>naturalOrder().reversed()).toList();
        if (candidates.isEmpty()) {
            throw new SpecException(path + ".plugin: unknown " + kind.label() + " plugin '"
                    + ref.plugin() + "'; installed: " + available(kind));
        }
        ServiceReference<?> chosen = candidates.get(0);
        List<PluginInfo> shadowed = new ArrayList<>();
        for (ServiceReference<?> other : candidates.subList(1, candidates.size())) {
            if (context.locateService(kind.label(), other) instanceof Plugin<?> otherPlugin) {
                shadowed.add(info(kind, other, otherPlugin));
            }
        }
        Object service = context.locateService(kind.label(), chosen);
        if (!(service instanceof Plugin<?> plugin) || !type.isInstance(service)) {
            throw new SpecException(path + ".plugin: " + kind.label() + " plugin '" + ref.plugin()
                    + "' went away while the run was being prepared; installed: " + available(kind));
        }
        Object params = SpecJson.bind(ref.params(), plugin.parameterType(), path + ".params");
        return new ResolvedPlugin<>(kind, ref.plugin(), type.cast(service), params, info(kind, chosen, plugin),
                chosen, List.copyOf(shadowed));
    }

    private String available(PluginKind kind) {
        List<String> names = names(kind);
        return names.isEmpty() ? "none (install a bundle that provides " + kind.label() + " plugins)"
                : names.stream().collect(Collectors.joining(", "));
    }

    private List<ServiceReference<?>> references(PluginKind kind) {
        List<ServiceReference<?>> refs = switch (kind) {
            case DATASET -> dataset;
            case PROMPT -> prompt;
            case BACKBONE -> backbone;
            case WEIGHTING -> weighting;
            case TRAINER -> trainer;
            case EVALUATOR -> evaluator;
        };
        return refs == null ? List.of() : refs;
    }

    private static String nameOf(ServiceReference<?> ref) {
        Object name = ref.getProperty(PluginKind.NAME_PROPERTY);
        return name == null ? null : String.valueOf(name);
    }

    private static PluginInfo info(PluginKind kind, ServiceReference<?> ref, Plugin<?> plugin) {
        Bundle bundle = ref.getBundle();
        return new PluginInfo(kind.label(), nameOf(ref), plugin.description(),
                bundle == null ? "(gone)" : bundle.getSymbolicName(),
                bundle == null ? "" : bundle.getVersion().toString());
    }
}
