package org.cftrec.runtime.spec;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;

import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

/**
 * YAML anchors and aliases ({@code base: &b {...}} then {@code *b}), which RecBole-style configs use to share
 * settings: Jackson's YAML parser hands an alias over as the anchor's name, so specs with aliases are expanded by
 * SnakeYAML first, with its safe constructor (plain maps, lists and scalars only) and the spec limits.
 */
final class YamlAliases {
    private YamlAliases() {
    }

    /** Whether the document uses an alias (a parse, not a load: nothing is built). */
    static boolean present(byte[] yaml) {
        try (Reader reader = reader(yaml)) {
            for (Event event : new Yaml().parse(reader)) {
                if (event instanceof AliasEvent) {
                    return true;
                }
            }
            return false;
        } catch (YAMLException | java.io.IOException e) {
            return false; // malformed: the strict reader reports it with its line
        }
    }

    /** The document as maps, lists and scalars, aliases expanded. */
    static Object expand(byte[] yaml, LoaderOptions limits) {
        limits.setAllowDuplicateKeys(false);
        try (Reader reader = reader(yaml)) {
            return new Yaml(new SafeConstructor(limits)).load(reader);
        } catch (YAMLException | java.io.IOException e) {
            throw new IllegalArgumentException("cannot expand the YAML aliases: " + e.getMessage(), e);
        }
    }

    private static Reader reader(byte[] yaml) {
        return new InputStreamReader(new java.io.ByteArrayInputStream(yaml), StandardCharsets.UTF_8);
    }
}
