package org.cftrec.itests;

import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;

import java.io.File;

import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

/** The container every integration test boots: the built distribution tarball, unpacked under target/. */
final class KarafOptions {
    private KarafOptions() {
    }

    static Option[] distribution(Option... extra) {
        File tarball = new File(System.getProperty("cftrec.distribution"));
        // One native cache for all test containers: DJL extracts ~450 MB once per build, not once per class.
        String djlCache = new File(System.getProperty("DJL_CACHE_DIR")).getAbsolutePath();
        Option[] base = {
                karafDistributionConfiguration().frameworkUrl(tarball.toURI().toString()).karafVersion("4.4.10")
                        .name("cftrec").unpackDirectory(new File("target/exam")).useDeployFolder(false),
                configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
                logLevel(LogLevel.WARN),
                editConfigurationFilePut("etc/system.properties", "DJL_CACHE_DIR", djlCache),
        };
        Option[] all = new Option[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }
}
