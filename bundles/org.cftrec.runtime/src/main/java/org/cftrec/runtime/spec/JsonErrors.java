package org.cftrec.runtime.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Turns Jackson's exceptions into one-line messages that name the field, the problem and the valid choices. */
final class JsonErrors {
    private JsonErrors() {
    }

    /**
     * @param prefix path of the bound object inside the spec (e.g. {@code trainer.params}), or empty
     */
    static String describe(JsonProcessingException e, String prefix) {
        if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
            // SnakeYAML says where the problem is and what it is; Jackson's message keeps only its context line.
            return "line " + (yaml.getProblemMark().getLine() + 1) + ", column " + (yaml.getProblemMark().getColumn() + 1)
                    + ": " + yaml.getProblem();
        }
        StringBuilder out = new StringBuilder(location(e));
        String path = e instanceof JsonMappingException m ? path(prefix, m) : prefix;
        if (!path.isEmpty()) {
            out.append(path).append(": ");
        }
        out.append(problem(e));
        return out.toString();
    }

    /** "line L, column C: " where the parser knows the place, else "". */
    static String location(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        return at != null && at.getLineNr() > 0 ? "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": " : "";
    }

    private static String problem(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return "unknown field '" + u.getPropertyName() + "'; valid fields: " + names(u.getKnownPropertyIds());
        }
        if (e instanceof ValueInstantiationException v) {
            Throwable cause = v.getCause();
            while (cause != null && cause.getCause() != null && cause.getMessage() == null) {
                cause = cause.getCause();
            }
            return cause != null && cause.getMessage() != null ? cause.getMessage() : v.getOriginalMessage();
        }
        if (e instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()) {
            return "invalid value '" + f.getValue() + "'; valid values: " + enumNames(f.getTargetType());
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return "expected " + typeName(m.getTargetType()) + " (" + firstLine(m.getOriginalMessage()) + ")";
        }
        return firstLine(e.getOriginalMessage());
    }

    private static String path(String prefix, JsonMappingException e) {
        StringBuilder path = new StringBuilder(prefix);
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String names(Collection<Object> ids) {
        return ids == null ? "(none)" : new TreeSet<>(ids.stream().map(String::valueOf).toList()).stream()
                .collect(Collectors.joining(", "));
    }

    private static String enumNames(Class<?> type) {
        return String.join(", ", valueNames(type));
    }

    /** An enum's constants as JSON spells them ({@code @JsonProperty} names where given). */
    static List<String> valueNames(Class<?> type) {
        List<String> names = new ArrayList<>();
        for (Object constant : type.getEnumConstants()) {
            String name = ((Enum<?>) constant).name();
            try {
                JsonProperty p = type.getField(name).getAnnotation(JsonProperty.class);
                names.add(p == null ? name : p.value());
            } catch (NoSuchFieldException e) {
                names.add(name); // enum constants are always fields
            }
        }
        return names;
    }

    private static String typeName(Class<?> type) {
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "a number";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (type.isEnum()) {
            return "one of " + enumNames(type);
        }
        return "an object";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid value";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
