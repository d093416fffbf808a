package org.cftrec.runtime.console;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.cftrec.api.PluginKind;
import org.cftrec.api.run.ExperimentService;
import org.cftrec.api.run.PluginInfo;

@Service
@Command(scope = "cftrec", name = "plugins", description = "Lists installed plugins by kind, with bundle and version")
public class PluginsCommand implements Action {
    @Reference
    private ExperimentService service;

    @Option(name = "--kind", description = "only this kind: dataset, prompt, backbone, weighting, trainer, evaluator")
    private String kind;

    @Override
    public Object execute() {
        String only = kind == null ? null : PluginKind.fromLabel(kind).label();
        System.out.printf("%-10s %-14s %-34s %-10s %s%n", "KIND", "NAME", "BUNDLE", "VERSION", "DESCRIPTION");
        for (PluginInfo p : service.plugins()) {
            if (only == null || only.equals(p.kind())) {
                System.out.printf("%-10s %-14s %-34s %-10s %s%n", p.kind(), p.name(), p.bundle(), p.version(),
                        p.description());
            }
        }
        return null;
    }
}
