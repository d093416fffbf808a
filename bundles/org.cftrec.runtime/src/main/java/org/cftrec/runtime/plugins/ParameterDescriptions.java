package org.cftrec.runtime.plugins;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cftrec.api.run.ParameterInfo;
import org.cftrec.api.spec.SpecException;
import org.cftrec.runtime.spec.SpecJson;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A plugin's parameters read from the plugin itself: names and types from its parameter record, descriptions from
 * {@link JsonPropertyDescription} on the record's components, and defaults by binding an empty {@code params}
 * object exactly as a spec without them would be bound. A parameter without a default is found the way a user
 * finds it: the record refuses the empty object with a message that starts with the field's name (the
 * {@link org.cftrec.api.Plugin} contract); it is then marked {@code required} and filled in to learn the rest.
 */
public final class ParameterDescriptions {
    private ParameterDescriptions() {
    }

    /** The parameters of a plugin whose {@code params} bind to {@code type}; none when it is not a record. */
    public static List<ParameterInfo> of(Class<?> type) {
        if (!type.isRecord()) {
            return List.of();
        }
        RecordComponent[] components = type.getRecordComponents();
        Set<String> required = new HashSet<>();
        Object defaults = defaults(type, components, required);
        List<ParameterInfo> out = new ArrayList<>();
        for (RecordComponent c : components) {
            JsonPropertyDescription description = c.getAccessor().getAnnotation(JsonPropertyDescription.class);
            out.add(new ParameterInfo(c.getName(), typeName(c.getGenericType()),
                    required.contains(c.getName()) ? "required" : defaultOf(c, defaults),
                    description == null ? "" : description.value()));
            // A nested parameter object (e.g. a backbone's lora) is listed field by field, as "lora.rank".
            for (ParameterInfo nested : of(c.getType())) {
                out.add(new ParameterInfo(c.getName() + "." + nested.name(), nested.type(), nested.defaultValue(),
                        nested.description()));
            }
        }
        return out;
    }

    /** The record bound from {@code {}}, with placeholders only for the fields it refuses to go without. */
    private static Object defaults(Class<?> type, RecordComponent[] components, Set<String> required) {
        ObjectNode params = SpecJson.MAPPER.createObjectNode();
        for (int attempt = 0; attempt <= components.length; attempt++) {
            try {
                return SpecJson.bind(params, type, "params");
            } catch (SpecException e) {
                RecordComponent missing = namedIn(e.getMessage(), components, required);
                if (missing == null) {
                    return null;
                }
                required.add(missing.getName());
                params.set(missing.getName(), SpecJson.MAPPER.valueToTree(placeholder(missing.getType())));
            }
        }
        return null;
    }

    private static RecordComponent namedIn(String message, RecordComponent[] components, Set<String> already) {
        String problem = message.startsWith("params: ") ? message.substring("params: ".length()) : message;
        return Arrays.stream(components)
                .filter(c -> !already.contains(c.getName()) && problem.startsWith(c.getName() + " "))
                .findFirst().orElse(null);
    }

    private static Object placeholder(Class<?> type) {
        if (type == String.class) {
            return "placeholder";
        }
        if (Number.class.isAssignableFrom(type)) {
            return 1;
        }
        if (type == Boolean.class) {
            return false;
        }
        if (type.isEnum()) {
            return type.getEnumConstants()[0];
        }
        return Collection.class.isAssignableFrom(type) ? List.of() : Map.of();
    }

    private static String defaultOf(RecordComponent c, Object defaults) {
        if (defaults == null) {
            return "";
        }
        try {
            Object value = c.getAccessor().invoke(defaults);
            return value == null ? "none" : SpecJson.oneLine(value);
        } catch (ReflectiveOperationException | JsonProcessingException | RuntimeException e) {
            return "";
        }
    }

    static String typeName(Type type) {
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            if (Collection.class.isAssignableFrom(raw)) {
                return "list of " + typeName(p.getActualTypeArguments()[0]);
            }
            return "object";
        }
        if (!(type instanceof Class<?> c)) {
            return "value";
        }
        if (c == Double.class || c == Float.class || c == double.class || c == float.class) {
            return "number";
        }
        if (c == Integer.class || c == Long.class || c == int.class || c == long.class) {
            return "integer";
        }
        if (c == Boolean.class || c == boolean.class) {
            return "boolean";
        }
        if (c == String.class) {
            return "string";
        }
        if (c.isEnum()) {
            return "one of " + String.join(" | ", SpecJson.valueNames(c));
        }
        return "object";
    }
}
