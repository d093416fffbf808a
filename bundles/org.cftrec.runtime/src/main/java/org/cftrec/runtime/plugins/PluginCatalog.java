package org.cftrec.runtime.plugins;

import org.cftrec.api.Plugin;
import org.cftrec.api.run.ParameterInfo;
import org.cftrec.api.run.PluginInfo;
import org.cftrec.api.spec.PluginRef;
import org.cftrec.api.spec.SpecException;
import org.cftrec.runtime.spec.SpecJson;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.util.tracker.ServiceTracker;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The installed plugins, as the service registry has them: one {@link ServiceTracker} per {@link PluginKind}, opened
 * when the component activates, keeps each kind's list current while bundles come and go (adding a kind to
 * {@link PluginKind#values()} is all it takes). Names are resolved when a run starts.
 */
@Component(service = PluginCatalog.class, immediate = true)
public class PluginCatalog {

    private final Map<PluginKind<?>, ServiceTracker<Object, Object>> trackers = new HashMap<>();

    @Activate
    void activate(BundleContext context) {
        for (PluginKind<?> kind : PluginKind.values()) {
            ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context, kind.serviceType().getName(), null);
            tracker.open();
            trackers.put(kind, tracker);
        }
    }

    @Deactivate
    void deactivate() {
        trackers.values().forEach(ServiceTracker::close);
        trackers.clear();
    }

    /** Every installed plugin, sorted by kind and name. */
    public List<PluginInfo> list() {
        List<PluginInfo> all = new ArrayList<>();
        for (PluginKind<?> kind : PluginKind.values()) {
            for (ServiceReference<Object> ref : references(kind)) {
                if (nameOf(ref) == null) {
                    continue; // registered without cftrec.name: not addressable from a spec
                }
                if (service(kind, ref) instanceof Plugin<?, ?> plugin) {
                    all.add(info(kind, ref, ParameterDescriptions.of(plugin.parameterType())));
                }
            }
        }
        all.sort(Comparator.comparing(PluginInfo::kind).thenComparing(PluginInfo::name));
        return all;
    }

    /** Names installed for one kind, sorted. */
    public List<String> names(PluginKind<?> kind) {
        return references(kind).stream().map(PluginCatalog::nameOf).filter(Objects::nonNull).distinct().sorted()
                .toList();
    }

    /**
     * Finds the plugin a spec names, binds the spec's parameters to its record and the record to the plugin.
     *
     * @param path where the reference sits in the spec, e.g. {@code weighting} or {@code variants[1].trainer}
     * @throws SpecException for an unknown name (listing the installed ones) or bad parameters
     */
    public <I> ResolvedPlugin<I> resolve(PluginKind<I> kind, PluginRef ref, String path) {
        // OSGi's order: highest service ranking, then oldest registration.
        List<ServiceReference<Object>> candidates = references(kind).stream()
                .filter(r -> ref.plugin().equals(nameOf(r)))
                .sorted(Comparator.<ServiceReference<Object>>naturalOrder().reversed()).toList();
        if (candidates.isEmpty()) {
            throw new SpecException(path + ".plugin: unknown " + kind.label() + " plugin '"
                    + ref.plugin() + "'; installed: " + available(kind));
        }
        ServiceReference<Object> chosen = candidates.get(0);
        List<PluginInfo> shadowed = new ArrayList<>();
        for (ServiceReference<Object> other : candidates.subList(1, candidates.size())) {
            shadowed.add(info(kind, other, List.of()));
        }
        if (!(service(kind, chosen) instanceof Plugin<?, ?> plugin)) {
            throw new SpecException(path + ".plugin: " + kind.label() + " plugin '" + ref.plugin()
                    + "' went away while the run was being prepared; installed: " + available(kind));
        }
        Object params = SpecJson.bind(ref.params(), plugin.parameterType(), path + ".params");
        Object instance;
        try {
            instance = bind(plugin, params);
        } catch (IllegalArgumentException e) {
            throw new SpecException(path + ".params: " + e.getMessage());
        }
        if (!kind.instanceType().isInstance(instance)) {
            throw new SpecException(path + ".plugin: " + kind.label() + " plugin '" + ref.plugin() + "' bound its "
                    + "parameters into " + (instance == null ? "null" : instance.getClass().getName()) + ", not a "
                    + kind.instanceType().getSimpleName());
        }
        return new ResolvedPlugin<>(kind, ref.plugin(), kind.instanceType().cast(instance), params,
                info(kind, chosen, List.of()), chosen, List.copyOf(shadowed));
    }

    /** Captures the plugin's parameter type, so that the record is handed over with a checked cast. */
    private static <P> Object bind(Plugin<P, ?> plugin, Object params) {
        return plugin.bind(plugin.parameterType().cast(params));
    }

    private String available(PluginKind<?> kind) {
        List<String> names = names(kind);
        return names.isEmpty() ? "none (install a bundle that provides " + kind.label() + " plugins)"
                : names.stream().collect(Collectors.joining(", "));
    }

    private List<ServiceReference<Object>> references(PluginKind<?> kind) {
        ServiceTracker<Object, Object> tracker = trackers.get(kind);
        ServiceReference<Object>[] refs = tracker == null ? null : tracker.getServiceReferences();
        return refs == null ? List.of() : List.of(refs);
    }

    /** The service behind a reference; null once it went away. */
    private Object service(PluginKind<?> kind, ServiceReference<Object> ref) {
        ServiceTracker<Object, Object> tracker = trackers.get(kind);
        return tracker == null ? null : tracker.getService(ref);
    }

    private static String nameOf(ServiceReference<Object> ref) {
        Object name = ref.getProperty(Plugin.NAME_PROPERTY);
        return name == null ? null : String.valueOf(name);
    }

    /**
     * @param parameters the plugin's parameters for the listing; a run's resolved plugins pass none (a run records
     *                   which bundle and version it used, and describing parameters binds each record again)
     */
    private static PluginInfo info(PluginKind<?> kind, ServiceReference<Object> ref, List<ParameterInfo> parameters) {
        Bundle bundle = ref.getBundle();
        Object description = ref.getProperty(Plugin.DESCRIPTION_PROPERTY);
        return new PluginInfo(kind.label(), nameOf(ref), description == null ? "" : String.valueOf(description),
                bundle == null ? "(gone)" : bundle.getSymbolicName(),
                bundle == null ? "" : bundle.getVersion().toString(), parameters);
    }
}
