package org.cftrec.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a plugin gets from the run that calls it. Every file a plugin reads from the user's data goes through
 * {@link #resolveData(String)} (a folder or file parameter) or {@link #resolveDataFile(Path, String, String)} (a
 * file-name parameter inside that folder): both follow symbolic links before they check, so neither {@code ../}
 * nor a link inside a data root can reach a file outside the allowed roots.
 *
 * @param seed          the run's seed; plugins derive all randomness from it
 * @param dataRoot      the folder relative data paths of the spec are resolved against
 * @param workDirectory a folder of this run that the plugin may write into (e.g. a generated tokenizer)
 * @param allowedRoots  folders that data paths must lie in; empty = no restriction
 */
public record PluginContext(long seed, Path dataRoot, Path workDirectory, List<Path> allowedRoots) {
    public PluginContext {
        Objects.requireNonNull(dataRoot, "dataRoot");
        Objects.requireNonNull(workDirectory, "workDirectory");
        allowedRoots = allowedRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    /** A context without path restrictions (tests, benchmarks, tools). */
    public PluginContext(long seed, Path dataRoot, Path workDirectory) {
        this(seed, dataRoot, workDirectory, List.of());
    }

    /**
     * Resolves a path from the spec against the data root (absolute paths stay as they are), with symbolic
     * links followed.
     *
     * @throws IllegalArgumentException if the result lies outside every allowed root
     */
    public Path resolveData(String path) {
        Path resolved = realPath(dataRoot.resolve(path));
        checkAllowed(resolved, "data path '" + path + "'");
        return resolved;
    }

    /**
     * Resolves a file-name parameter (e.g. an item file's name) inside a data folder that
     * {@link #resolveData(String)} returned: the name must be relative and, with symbolic links followed,
     * stay inside that folder.
     *
     * @param folder the data folder
     * @param field  the parameter's name, for the error message
     * @param name   the parameter's value
     * @throws IllegalArgumentException naming the field, if the name is absolute or leads out of the folder
     */
    public Path resolveDataFile(Path folder, String field, String name) {
        Path relative = Path.of(name);
        Path lexical = folder.resolve(relative).normalize();
        if (name.isBlank() || relative.isAbsolute() || !lexical.startsWith(folder.normalize())) {
            throw new IllegalArgumentException(field + " '" + name + "' must name a file inside the data folder "
                    + folder + " (a relative path without '..')");
        }
        Path resolved = realPath(lexical);
        if (!resolved.startsWith(realPath(folder))) {
            throw new IllegalArgumentException(field + " '" + name + "' is a link to " + resolved
                    + ", outside the data folder " + folder);
        }
        checkAllowed(resolved, field + " '" + name + "'");
        return resolved;
    }

    /**
     * {@link #resolveData(String)} for a folder that must exist (a dataset's {@code path}).
     *
     * @throws java.io.IOException naming the field and the path when there is no such folder
     */
    public Path requireDataFolder(String field, String path) throws java.io.IOException {
        Path folder = resolveData(path);
        if (!Files.isDirectory(folder)) {
            throw new java.io.IOException(field + " '" + path + "': no such folder (" + folder + ")");
        }
        return folder;
    }

    /**
     * {@link #resolveDataFile(Path, String, String)} for a file that must exist.
     *
     * @throws java.io.IOException naming the field and the path when there is no such file
     */
    public Path requireDataFile(Path folder, String field, String name) throws java.io.IOException {
        Path file = resolveDataFile(folder, field, name);
        if (!Files.isRegularFile(file)) {
            throw new java.io.IOException(field + " '" + name + "': no such file (" + file + ")");
        }
        return file;
    }

    private void checkAllowed(Path resolved, String what) {
        if (!allowedRoots.isEmpty() && allowedRoots.stream().map(PluginContext::realPath).noneMatch(resolved::startsWith)) {
            throw new IllegalArgumentException(what + " resolves to " + resolved
                    + ", outside the allowed data roots " + allowedRoots + "; add a root with dataRoots in"
                    + " etc/org.cftrec.runtime.cfg (or CFTREC_DATA_ROOTS), or set allowAnyDataPath=true");
        }
    }

    /**
     * The path with every symbolic link resolved; for a path that does not exist (yet), its deepest existing
     * ancestor's real path with the rest appended, so that a link cannot hide behind a missing file.
     */
    static Path realPath(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(absolute));
        } catch (IOException e) {
            // A dangling link: the file it names does not exist; refuse rather than guess where it points.
            throw new IllegalArgumentException(existing + ": cannot be resolved (" + e.getMessage()
                    + "); is it a link to a missing file?", e);
        }
    }
}
