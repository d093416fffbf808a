package org.cftrec.itests;

import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;

import java.io.File;

import static org.ops4j.pax.exam.CoreOptions.systemTimeout;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFileExtend;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

/** The container every integration test boots: the built distribution tarball, unpacked under target/. */
final class KarafOptions {
    /**
     * How long the test JVM waits for a container to come up. Pax Exam's default (180 s) was too short on a
     * loaded 2-core machine (the first start also extracts DJL's natives); a container that fails outright
     * still fails fast, since its RMI registration never happens and the log says why.
     */
    private static final long CONTAINER_START_MILLIS = 480_000;
    private KarafOptions() {
    }

    static Option[] distribution(Option... extra) {
        File tarball = new File(System.getProperty("cftrec.distribution"));
        // One native cache for all test containers: DJL extracts ~450 MB once per build, not once per class.
        String djlCache = new File(System.getProperty("DJL_CACHE_DIR")).getAbsolutePath();
        // The "exam" feature's bundles, copied there by the build (itests/pom.xml); see the pom for why.
        String examRepository = new File(System.getProperty("cftrec.examRepository")).toURI().toString();
        Option[] base = {
                karafDistributionConfiguration().frameworkUrl(tarball.toURI().toString()).karafVersion("4.4.10")
                        .name("cftrec").unpackDirectory(new File("target/exam")).useDeployFolder(false),
                configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
                logLevel(LogLevel.WARN),
                editConfigurationFilePut("etc/system.properties", "DJL_CACHE_DIR", djlCache),
                editConfigurationFileExtend("etc/org.ops4j.pax.url.mvn.cfg",
                        "org.ops4j.pax.url.mvn.defaultRepositories", examRepository + "@id=exam.repository"),
                // ... and nothing from the user's ~/.m2: what the build did not put there is missing on every machine.
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                        new File("target/exam-no-local-repository").getAbsolutePath()),
                systemTimeout(CONTAINER_START_MILLIS),
                // Kept so that a container that failed can be diagnosed from its data/log/karaf.log (.ci/run prints
                // it); the build empties target/exam before the tests run.
                keepRuntimeFolder(),
        };
        Option[] all = new Option[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }
}
