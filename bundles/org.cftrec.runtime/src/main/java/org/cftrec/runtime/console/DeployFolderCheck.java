package org.cftrec.runtime.console;

import org.osgi.framework.Bundle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

/**
 * Files in {@code deploy/} that did not become bundles. Karaf's file installer only logs them in karaf.log; a
 * plugin author who dropped a jar there should read at once why their plugin is not listed.
 */
final class DeployFolderCheck {
    private DeployFolderCheck() {
    }

    /** One line per jar of {@code deploy} that no installed bundle came from, with the likely reason. */
    static List<String> problems(Path deploy, Bundle[] installed) throws IOException {
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(deploy)) {
            return problems;
        }
        Set<String> locations = Arrays.stream(installed).map(Bundle::getLocation).collect(Collectors.toSet());
        try (var files = Files.list(deploy)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (!name.endsWith(".jar") || !Files.isRegularFile(file)) {
                    continue;
                }
                String uri = file.toUri().toString();
                if (locations.stream().anyMatch(l -> l.endsWith(uri) || l.endsWith(file.toAbsolutePath().toString()))) {
                    continue;
                }
                problems.add("deploy/" + name + " is not installed: " + reason(file));
            }
        }
        return problems;
    }

    private static String reason(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            var manifest = file.getManifest();
            if (manifest == null || manifest.getMainAttributes().getValue("Bundle-SymbolicName") == null) {
                return "not an OSGi bundle (its manifest has no Bundle-SymbolicName; build it with bnd, see the"
                        + " README's plugin guide)";
            }
            return "its bundle failed to install or resolve (data/log/karaf.log says why)";
        } catch (IOException e) {
            return "not a jar file (" + e.getMessage() + ")";
        }
    }
}
