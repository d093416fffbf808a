package org.cftrec.runtime.console;

import org.cftrec.runtime.plugins.PluginKind;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Plugin components that Declarative Services knows but that provide no plugin: disabled, failed to activate
 * (a class missing from the bundle, a constructor that throws) or waiting for a reference. SCR's own runtime
 * view, so that {@code cftrec:plugins} can say why a plugin a bundle declares is not listed.
 */
final class InactivePlugins {
    private InactivePlugins() {
    }

    static List<String> problems(ServiceComponentRuntime scr) {
        Set<String> kinds = PluginKind.values().stream().map(k -> k.serviceType().getName()).collect(Collectors.toSet());
        List<String> problems = new ArrayList<>();
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            if (description.serviceInterfaces == null
                    || Arrays.stream(description.serviceInterfaces).noneMatch(kinds::contains)) {
                continue;
            }
            String where = "plugin component " + description.name + " of bundle " + description.bundle.symbolicName;
            if (!scr.isComponentEnabled(description)) {
                problems.add(where + " is disabled");
                continue;
            }
            Collection<ComponentConfigurationDTO> configurations = scr.getComponentConfigurationDTOs(description);
            for (ComponentConfigurationDTO configuration : configurations) {
                if (configuration.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                    problems.add(where + " failed to activate: " + configuration.failure);
                } else if (configuration.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE) {
                    problems.add(where + " waits for " + Arrays.stream(configuration.unsatisfiedReferences)
                            .map((UnsatisfiedReferenceDTO r) -> r.name).collect(Collectors.joining(", ")));
                } else if (configuration.state == ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION) {
                    problems.add(where + " waits for its configuration (PID " + description.configurationPid[0] + ")");
                }
            }
        }
        return problems;
    }
}
