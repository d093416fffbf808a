package org.cftrec.runtime.plugins;

import org.cftrec.api.PluginKind;
import org.cftrec.api.run.PluginInfo;
import org.osgi.framework.ServiceReference;

/**
 * A plugin chosen for a run, with its bound parameters and the bundle that provides it.
 *
 * @param service the plugin component
 * @param params  the plugin's parameter record
 */
public record ResolvedPlugin<T>(PluginKind kind, String name, T service, Object params, PluginInfo info,
                                ServiceReference<?> reference) {

    /** False once the providing component went away (bundle stopped, uninstalled or updated). */
    public boolean available() {
        return reference == null || reference.getBundle() != null;
    }

    /** "kind 'name' (bundle version)", for logs and errors. */
    public String label() {
        return kind.label() + " '" + name + "' (" + info.bundle() + " " + info.version() + ")";
    }
}
