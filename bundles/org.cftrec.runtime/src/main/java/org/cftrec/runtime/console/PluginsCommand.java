package org.cftrec.runtime.console;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.cftrec.runtime.plugins.PluginKind;
import org.cftrec.api.run.ExperimentService;
import org.cftrec.api.run.ParameterInfo;
import org.cftrec.api.run.PluginInfo;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;

@Service
@Command(scope = "cftrec", name = "plugins", description = "Lists installed plugins by kind, with bundle and version;"
        + " with --params (or a name) their parameters, defaults and descriptions")
public class PluginsCommand implements Action {
    @Reference
    private ExperimentService service;

    @Reference
    private BundleContext bundleContext;

    /** Declarative Services' runtime view: components that declare a plugin but provide none. */
    @Reference(optional = true)
    private ServiceComponentRuntime scr;

    @Option(name = "--kind", description = "only this kind: dataset, prompt, backbone, weighting, trainer, evaluator")
    private String kind;

    @Option(name = "--params", description = "also list each plugin's parameters: type, default, description")
    private boolean params;

    @Argument(name = "name", description = "only plugins of this name (implies --params), e.g. linear or d3")
    private String name;

    @Override
    public Object execute() throws Exception {
        String only = kind == null ? null : PluginKind.fromLabel(kind).label();
        if (params || name != null) {
            printParameters(only);
            return null;
        }
        System.out.printf("%-10s %-14s %-34s %-10s %s%n", "KIND", "NAME", "BUNDLE", "VERSION", "DESCRIPTION");
        List<PluginInfo> plugins = service.plugins();
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
        warnAboutDeployFolder();
        if (scr != null) {
            InactivePlugins.problems(scr).forEach(problem -> System.out.println("warning: " + problem));
        }
        return null;
    }

    /** One table per plugin: its parameters as the plugin itself declares them. */
    private void printParameters(String onlyKind) {
        List<PluginInfo> chosen = service.plugins().stream()
                .filter(p -> onlyKind == null || onlyKind.equals(p.kind()))
                .filter(p -> name == null || name.equals(p.name())).toList();
        if (chosen.isEmpty()) {
            System.out.println("no installed plugin" + (name == null ? "" : " named '" + name + "'")
                    + (onlyKind == null ? "" : " of kind " + onlyKind) + "; cftrec:plugins lists them");
        }
        for (PluginInfo p : chosen) {
            System.out.println(p.kind() + " '" + p.name() + "' (" + p.bundle() + " " + p.version() + "): "
                    + p.description());
            if (p.parameters().isEmpty()) {
                System.out.println("  no parameters");
                continue;
            }
            ShellTable table = new ShellTable();
            table.column("parameter");
            table.column("type");
            table.column("default");
            table.column("description").maxSize(100).wrap();
            for (ParameterInfo parameter : p.parameters()) {
                table.addRow().addContent(parameter.name(), parameter.type(), parameter.defaultValue(),
                        parameter.description());
            }
            table.print(System.out, true);
        }
    }

    private void warnAboutDeployFolder() throws java.io.IOException {
        String base = bundleContext.getProperty("karaf.base");
        if (base != null) {
            for (String problem : DeployFolderCheck.problems(Path.of(base, "deploy"), bundleContext.getBundles())) {
                System.out.println("warning: " + problem);
            }
        }
    }
}
