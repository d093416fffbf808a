package org.cftrec.runtime.run;

import ai.djl.engine.Engine;
import org.cftrec.runtime.pipeline.ExperimentPlan;
import org.cftrec.runtime.plugins.ResolvedPlugin;
import org.cftrec.runtime.spec.SpecJson;
import org.osgi.framework.BundleContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Which bundles, engine, machine and seed produced a run: its provenance.json. */
final class Provenance {
    private Provenance() {
    }

    /** Writes provenance.json into the run directory (keeping an earlier attempt's inside it). */
    static void write(ExperimentPlan plan, RunDirectory directory, BundleContext bundleContext) {
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("written", Instant.now().toString());
        provenance.put("seed", plan.spec().seed());
        provenance.put("runtime", bundleContext.getBundle().getSymbolicName() + " "
                + bundleContext.getBundle().getVersion());
        List<Map<String, Object>> plugins = new ArrayList<>();
        for (ResolvedPlugin<?> plugin : plan.plugins()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("kind", plugin.kind().label());
            entry.put("name", plugin.name());
            entry.put("bundle", plugin.info().bundle());
            entry.put("version", plugin.info().version());
            if (!plugin.shadowed().isEmpty()) {
                List<String> notChosen = plugin.shadowed().stream().map(s -> s.bundle() + " " + s.version()).toList();
                entry.put("notChosen", notChosen);
                directory.log("note: " + plugin.label() + " chosen; also installed under that name, not used: "
                        + notChosen + " (OSGi order: highest service.ranking, then the oldest registration)");
            }
            plugins.add(entry);
        }
        provenance.put("plugins", plugins);
        Engine engine = Engine.getInstance();
        provenance.put("engine", engine.getEngineName() + " " + engine.getVersion());
        provenance.put("djl", Engine.getDjlVersion());
        provenance.put("java", System.getProperty("java.vendor") + " " + System.getProperty("java.version"));
        provenance.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        provenance.put("cpus", Runtime.getRuntime().availableProcessors());
        provenance.put("framework", bundleContext.getProperty("org.osgi.framework.vendor") + " "
                + bundleContext.getProperty("org.osgi.framework.version"));
        // A resumed run may continue with other bundles: the provenance of the earlier attempts stays inside.
        Path earlier = directory.resolve("provenance.json");
        if (Files.isRegularFile(earlier)) {
            try {
                provenance.put("previous", SpecJson.MAPPER.readTree(earlier.toFile()));
            } catch (IOException e) {
                provenance.put("previous", "unreadable: " + e.getMessage());
            }
        }
        directory.writeJson("provenance.json", provenance);
    }
}
