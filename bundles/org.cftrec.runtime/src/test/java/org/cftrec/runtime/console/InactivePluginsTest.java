package org.cftrec.runtime.console;

import org.cftrec.api.data.DatasetPlugin;
import org.osgi.framework.dto.BundleDTO;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;
import org.osgi.util.promise.Promise;
import org.junit.Test;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import static org.junit.Assert.assertEquals;

/** SCR's view of components that declare a plugin kind but provide no plugin, as cftrec:plugins reports them. */
public class InactivePluginsTest {
    private static ComponentDescriptionDTO description(String name, String service) {
        ComponentDescriptionDTO d = new ComponentDescriptionDTO();
        d.name = name;
        d.serviceInterfaces = new String[] {service};
        d.bundle = new BundleDTO();
        d.bundle.symbolicName = "com.example.plugins";
        d.configurationPid = new String[] {name};
        return d;
    }

    private static ComponentConfigurationDTO configuration(int state) {
        ComponentConfigurationDTO c = new ComponentConfigurationDTO();
        c.state = state;
        c.failure = "java.lang.ClassNotFoundException: com.example.plugins.Gone";
        UnsatisfiedReferenceDTO reference = new UnsatisfiedReferenceDTO();
        reference.name = "catalog";
        c.unsatisfiedReferences = new UnsatisfiedReferenceDTO[] {reference};
        return c;
    }

    @Test
    public void failedWaitingAndDisabledPluginComponentsAreNamedOthersNot() {
        ComponentDescriptionDTO failed = description("com.example.Gone", DatasetPlugin.class.getName());
        ComponentDescriptionDTO waiting = description("com.example.Waiting", DatasetPlugin.class.getName());
        ComponentDescriptionDTO disabled = description("com.example.Off", DatasetPlugin.class.getName());
        ComponentDescriptionDTO active = description("com.example.Fine", DatasetPlugin.class.getName());
        ComponentDescriptionDTO other = description("com.example.NotAPlugin", Runnable.class.getName());
        Map<ComponentDescriptionDTO, ComponentConfigurationDTO> states = Map.of(
                failed, configuration(ComponentConfigurationDTO.FAILED_ACTIVATION),
                waiting, configuration(ComponentConfigurationDTO.UNSATISFIED_REFERENCE),
                active, configuration(ComponentConfigurationDTO.ACTIVE),
                other, configuration(ComponentConfigurationDTO.FAILED_ACTIVATION));
        ServiceComponentRuntime scr = new ServiceComponentRuntime() {
            @Override
            public Collection<ComponentDescriptionDTO> getComponentDescriptionDTOs(org.osgi.framework.Bundle... bundles) {
                return List.of(failed, waiting, disabled, active, other);
            }

            @Override
            public ComponentDescriptionDTO getComponentDescriptionDTO(org.osgi.framework.Bundle bundle, String name) {
                return null;
            }

            @Override
            public Collection<ComponentConfigurationDTO> getComponentConfigurationDTOs(ComponentDescriptionDTO d) {
                return states.containsKey(d) ? List.of(states.get(d)) : List.of();
            }

            @Override
            public boolean isComponentEnabled(ComponentDescriptionDTO d) {
                return d != disabled;
            }

            @Override
            public Promise<Void> enableComponent(ComponentDescriptionDTO d) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Promise<Void> disableComponent(ComponentDescriptionDTO d) {
                throw new UnsupportedOperationException();
            }
        };
        assertEquals(List.of(
                "plugin component com.example.Gone of bundle com.example.plugins failed to activate:"
                        + " java.lang.ClassNotFoundException: com.example.plugins.Gone",
                "plugin component com.example.Waiting of bundle com.example.plugins waits for catalog",
                "plugin component com.example.Off of bundle com.example.plugins is disabled"),
                InactivePlugins.problems(scr));
    }
}
