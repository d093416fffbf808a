package org.cftrec.runtime.console;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.cftrec.api.PluginKind;
import org.cftrec.api.run.ExperimentService;
import org.cftrec.api.run.PluginInfo;
import org.osgi.framework.BundleContext;

import java.nio.file.Path;
import java.util.TreeMap;
import java.util.stream.Collectors;

@Service
@Command(scope = "cftrec", name = "plugins", description = "Lists installed plugins by kind, with bundle and version")
public class PluginsCommand implements Action {
    @Reference
    private ExperimentService service;

    @Reference
    private BundleContext bundleContext;

    @Option(name = "--kind", description = "only this kind: dataset, prompt, backbone, weighting, trainer, evaluator")
    private String kind;

    @Override
    public Object execute() throws Exception {
        String only = kind == null ? null : PluginKind.fromLabel(kind).label();
        System.out.printf("%-10s %-14s %-34s %-10s %s%n", "KIND", "NAME", "BUNDLE", "VERSION", "DESCRIPTION");
        java.util.List<PluginInfo> plugins = service.plugins();
        for (PluginInfo p : plugins) {
            if (only == null || only.equals(p.kind())) {
                System.out.printf("%-10s %-14s %-34s %-10s %s%n", p.kind(), p.name(), p.bundle(), p.version(),
                        p.description());
            }
        }
        plugins.stream()
                .collect(Collectors.groupingBy(p -> p.kind() + " '" + p.name() + "'", TreeMap::new, Collectors.toList()))
                .forEach((plugin, providers) -> {
                    if (providers.size() > 1) {
                        System.out.println("warning: " + plugin + " is provided by " + providers.size() + " bundles ("
                                + providers.stream().map(p -> p.bundle() + " " + p.version())
                                .collect(Collectors.joining(", ")) + "); a run uses the one with the highest"
                                + " service.ranking, then the oldest, and names it in provenance.json");
                    }
                });
        String base = bundleContext.getProperty("karaf.base");
        if (base != null) {
            for (String problem : DeployFolderCheck.problems(Path.of(base, "deploy"), bundleContext.getBundles())) {
                System.out.println("warning: " + problem);
            }
        }
        return null;
    }
}
