package org.cftrec.api;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.HashMap;
import java.util.Map;

/** Resolves a plugin class's parameter type from its generic declaration. */
final class PluginTypes {

    private PluginTypes() {
    }

    @SuppressWarnings("unchecked") // P is the resolved argument of Plugin<P, ?> for this very class
    static <P> Class<P> parameterType(Class<?> pluginClass) {
        Type resolved = argumentOf(pluginClass, new HashMap<>());
        if (resolved instanceof Class<?> type) {
            return (Class<P>) type;
        }
        if (resolved instanceof ParameterizedType parameterized) {
            return (Class<P>) parameterized.getRawType();
        }
        throw new IllegalStateException(pluginClass.getName() + " does not say its parameter type: declare it"
                + " in the implemented interface, e.g. 'implements WeightingPlugin<MyPlugin.Params>'");
    }

    /** Walks from the class to {@code Plugin}, carrying type-variable bindings down; null when P stays open. */
    private static Type argumentOf(Type type, Map<TypeVariable<?>, Type> bindings) {
        Class<?> raw;
        if (type instanceof ParameterizedType parameterized) {
            raw = (Class<?>) parameterized.getRawType();
            TypeVariable<?>[] variables = raw.getTypeParameters();
            Type[] arguments = parameterized.getActualTypeArguments();
            for (int i = 0; i < variables.length; i++) {
                Type argument = arguments[i];
                while (argument instanceof TypeVariable<?> variable && bindings.containsKey(variable)) {
                    argument = bindings.get(variable);
                }
                bindings.put(variables[i], argument);
            }
            if (raw == Plugin.class) {
                Type p = bindings.get(variables[0]);
                return p instanceof TypeVariable<?> ? null : p;
            }
        } else if (type instanceof Class<?> c) {
            raw = c;
        } else {
            return null;
        }
        Type found = null;
        if (raw.getGenericSuperclass() != null) {
            found = argumentOf(raw.getGenericSuperclass(), bindings);
        }
        for (Type parent : raw.getGenericInterfaces()) {
            if (found == null) {
                found = argumentOf(parent, bindings);
            }
        }
        return found;
    }
}
