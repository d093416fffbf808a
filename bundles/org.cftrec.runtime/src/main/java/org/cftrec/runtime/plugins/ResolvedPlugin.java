package org.cftrec.runtime.plugins;

import org.cftrec.api.run.PluginInfo;
import org.osgi.framework.ServiceReference;

import java.util.List;

/**
 * A plugin chosen for a run, bound once to its parameters, and the bundle that provides it.
 *
 * @param instance what the plugin bound its parameters into; the run uses only this
 * @param params   the plugin's parameter record, for provenance
 * @param shadowed other installed plugins of the same kind and name, not chosen (lower service ranking, or
 *                 registered later): recorded in run.log and provenance.json so that the choice is never silent
 */
public record ResolvedPlugin<I>(PluginKind<I> kind, String name, I instance, Object params, PluginInfo info,
                                ServiceReference<?> reference, List<PluginInfo> shadowed) {

    /** False once the providing component went away (bundle stopped, uninstalled or updated). */
    public boolean available() {
        return reference == null || reference.getBundle() != null;
    }

    /** "kind 'name' (bundle version)", for logs and errors. */
    public String label() {
        return kind.label() + " '" + name + "' (" + info.bundle() + " " + info.version() + ")";
    }
}
