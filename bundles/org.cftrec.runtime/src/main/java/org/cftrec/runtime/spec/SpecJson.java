package org.cftrec.runtime.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.cftrec.api.spec.ExperimentSpec;
import org.cftrec.api.spec.SpecException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Strict binding of specs (JSON with comments, or YAML) and plugin parameters: unknown fields, duplicate keys,
 * trailing tokens and numbers where integers belong are errors, never silently ignored.
 */
public final class SpecJson {
    /** Shared, thread-safe mapper configured for strict reading and readable writing. */
    public static final ObjectMapper MAPPER = strict(JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)) // specs are documents people annotate: // and /* */
            .build();

    /** The same strictness for specs written in YAML ({@code .yaml} / {@code .yml}; comments are YAML's {@code #}). */
    private static final ObjectMapper YAML = strict(YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION))
            .build();

    private static <M extends ObjectMapper, B extends MapperBuilder<M, B>> B strict(B builder) {
        return builder
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    private SpecJson() {
    }

    /** Reads a spec file, JSON or (by its extension) YAML; errors name the file, line, column and field. */
    public static ExperimentSpec read(Path file) {
        try {
            return present(mapperFor(file).readValue(Files.readAllBytes(file), ExperimentSpec.class), file.toString());
        } catch (NoSuchFileException e) {
            throw new SpecException(file + ": spec file not found");
        } catch (JsonProcessingException e) {
            throw new SpecException(file + ": " + JsonErrors.describe(e, ""), e);
        } catch (IOException e) {
            throw new SpecException(file + ": cannot read spec file: " + e.getMessage(), e);
        }
    }

    private static ObjectMapper mapperFor(Path file) {
        String name = String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT);
        return name.endsWith(".yaml") || name.endsWith(".yml") ? YAML : MAPPER;
    }

    /** An enum type's values as a spec spells them. */
    public static List<String> valueNames(Class<?> type) {
        return JsonErrors.valueNames(type);
    }

    /** {@code value} as one line of JSON (metrics.jsonl rows, run.log entries). */
    public static String oneLine(Object value) throws JsonProcessingException {
        return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
    }

    /** A document that is only {@code null} (or empty) binds to no spec at all. */
    private static ExperimentSpec present(ExperimentSpec spec, String origin) {
        if (spec == null) {
            throw new SpecException(origin + ": the file holds no spec (it is empty or null); expected a JSON object"
                    + " such as {\"name\": \"my-experiment\"} (or, in YAML, name: my-experiment)");
        }
        return spec;
    }

    /** Reads a spec from text (the embedded demo, tests). */
    public static ExperimentSpec parse(String json, String origin) {
        try {
            return present(MAPPER.readValue(json, ExperimentSpec.class), origin);
        } catch (JsonProcessingException e) {
            throw new SpecException(origin + ": " + JsonErrors.describe(e, ""), e);
        }
    }

    /**
     * Binds a plugin's parameter object to its record type.
     *
     * @param path where the object sits in the spec, e.g. {@code weighting.params}
     */
    public static <P> P bind(JsonNode params, Class<P> type, String path) {
        try {
            return MAPPER.treeToValue(params, type);
        } catch (JsonProcessingException e) {
            throw new SpecException(JsonErrors.describe(e, path), e);
        } catch (IllegalArgumentException e) {
            throw new SpecException(path + ": " + e.getMessage(), e);
        }
    }
}
