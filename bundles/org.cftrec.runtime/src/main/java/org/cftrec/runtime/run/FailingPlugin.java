package org.cftrec.runtime.run;

import org.cftrec.runtime.plugins.ResolvedPlugin;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

import java.util.List;
import java.util.Optional;

/**
 * Which of a run's plugins an exception came from: the first stack frame (of the exception or its causes) whose
 * class a plugin's own bundle defines. API helpers (a source made by {@code DatasetSource.of}) and the runtime's
 * frames are skipped, so the plugin named is the one whose code threw.
 */
final class FailingPlugin {
    private static final int FRAMES_SEARCHED = 64;

    private FailingPlugin() {
    }

    static Optional<ResolvedPlugin<?>> of(Throwable error, List<ResolvedPlugin<?>> plugins) {
        int searched = 0;
        for (Throwable t = error; t != null && searched < FRAMES_SEARCHED; t = t.getCause()) {
            for (StackTraceElement frame : t.getStackTrace()) {
                if (++searched > FRAMES_SEARCHED) {
                    break;
                }
                for (ResolvedPlugin<?> plugin : plugins) {
                    if (defines(plugin, frame.getClassName())) {
                        return Optional.of(plugin);
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static boolean defines(ResolvedPlugin<?> plugin, String className) {
        Bundle bundle = plugin.reference() == null ? null : plugin.reference().getBundle();
        if (bundle == null) {
            return false;
        }
        try {
            return FrameworkUtil.getBundle(bundle.loadClass(className)) == bundle;
        } catch (ClassNotFoundException | IllegalStateException e) {
            return false; // not visible from that bundle, or the bundle is gone
        }
    }
}
