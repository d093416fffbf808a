package org.cftrec.runtime.run;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Paths typed by a user. Karaf's launcher changes into its own folder, so {@code bin/cftrec} passes the
 * caller's working directory in {@value #CWD_VARIABLE}; relative paths are resolved against it.
 */
public final class UserPaths {
    public static final String CWD_VARIABLE = "CFTREC_CWD";

    private UserPaths() {
    }

    /** The caller's working directory. */
    public static Path workingDirectory() {
        String cwd = System.getenv(CWD_VARIABLE);
        return Paths.get(cwd != null && !cwd.isBlank() ? cwd : System.getProperty("user.dir")).toAbsolutePath();
    }

    public static Path resolve(String path) {
        return workingDirectory().resolve(path).normalize();
    }
}
