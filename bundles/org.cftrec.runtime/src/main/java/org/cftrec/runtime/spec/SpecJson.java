package org.cftrec.runtime.spec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.cftrec.api.spec.ExperimentSpec;
import org.cftrec.api.spec.SpecException;
import org.yaml.snakeyaml.LoaderOptions;

import java.io.IOException;
import java.io.InputStream;
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
    /** A spec file is a few kilobytes; anything beyond this is not a spec (and is not read past the limit). */
    public static final int MAX_SPEC_BYTES = 1 << 20;
    /** The longest string any value of a spec may hold (paths, names, template text). */
    public static final int MAX_STRING_CHARS = 1 << 16;
    /** The deepest nesting of objects and arrays in a spec. */
    public static final int MAX_NESTING = 64;

    /** The parsers' own limits, so that a hostile file fails fast with the limit named. */
    private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxDocumentLength(MAX_SPEC_BYTES).maxStringLength(MAX_STRING_CHARS).maxNestingDepth(MAX_NESTING).build();

    /** Shared, thread-safe mapper configured for strict reading and readable writing. */
    public static final ObjectMapper MAPPER = strict(JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(LIMITS).build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)) // specs are documents people annotate: // and /* */
            .build();

    /** The same strictness for specs written in YAML ({@code .yaml} / {@code .yml}; comments are YAML's {@code #}). */
    private static final ObjectMapper YAML = strict(YAMLMapper.builder(YAMLFactory.builder()
                    .streamReadConstraints(LIMITS).loaderOptions(yamlLimits()).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION))
            .build();

    /** SnakeYAML's own limits: document size, nesting, alias expansion (a "billion laughs" file is refused). */
    private static LoaderOptions yamlLimits() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_SPEC_BYTES);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setMaxAliasesForCollections(20);
        options.setAllowRecursiveKeys(false);
        return options;
    }

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
            byte[] bytes = bounded(file);
            ObjectMapper mapper = mapperFor(file);
            if (mapper == YAML && YamlAliases.present(bytes)) {
                // Jackson's YAML parser reads an alias as its anchor's name; SnakeYAML expands it (bounded by
                // yamlLimits), and the expanded tree binds as strictly as any spec.
                return present(MAPPER.convertValue(YamlAliases.expand(bytes, yamlLimits()), ExperimentSpec.class),
                        file.toString());
            }
            return present(mapper.readValue(bytes, ExperimentSpec.class), file.toString());
        } catch (NoSuchFileException e) {
            throw new SpecException(file + ": spec file not found");
        } catch (JsonProcessingException e) {
            StreamConstraintsException limit = limitIn(e);
            if (limit != null) {
                throw new SpecException(file + ": " + JsonErrors.location(e) + overLimit(limit), e);
            }
            throw new SpecException(file + ": " + JsonErrors.describe(e, ""), e);
        } catch (IOException e) {
            throw new SpecException(file + ": cannot read spec file: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            if (e instanceof SpecException) {
                throw e;
            }
            // convertValue's binding errors (the alias path) wrap the same Jackson exceptions as readValue's
            throw new SpecException(file + ": " + (e.getCause() instanceof JsonProcessingException j
                    ? JsonErrors.describe(j, "") : e.getMessage()), e);
        }
    }

    /**
     * The file's bytes, at most {@link #MAX_SPEC_BYTES}: read through a stream that stops past the limit, so that
     * neither a huge file nor an endless one ({@code /dev/zero}, a pipe) is read whole.
     */
    private static byte[] bounded(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new SpecException(file + ": is a folder, not a spec file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_SPEC_BYTES + 1);
            if (bytes.length > MAX_SPEC_BYTES) {
                throw new SpecException(file + ": larger than " + MAX_SPEC_BYTES + " bytes, the most a spec file may"
                        + " hold (a spec is a few kilobytes: is this the right file?)");
            }
            return bytes;
        }
    }

    /** The parser's limit exception, thrown directly or (while binding, as in YAML) wrapped in a mapping error. */
    private static StreamConstraintsException limitIn(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StreamConstraintsException limit) {
                return limit;
            }
        }
        return null;
    }


    /** Which of the limits the file exceeded, in the spec's terms rather than the parser's. */
    private static String overLimit(StreamConstraintsException e) {
        String parser = String.valueOf(e.getOriginalMessage());
        if (parser.contains("String value length")) {
            return "a string longer than " + MAX_STRING_CHARS + " characters, the most a value of a spec may hold";
        }
        if (parser.contains("nesting depth")) {
            return "objects and arrays nested deeper than " + MAX_NESTING + " levels, the most a spec may nest";
        }
        return "the file exceeds a limit of spec files (" + MAX_SPEC_BYTES + " bytes, strings of "
                + MAX_STRING_CHARS + " characters, " + MAX_NESTING + " levels of nesting)";
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
