package org.cftrec.runtime.run;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the runtime (PID {@code org.cftrec.runtime}, e.g. {@code etc/org.cftrec.runtime.cfg}). */
@ObjectClassDefinition(name = "CFTRec runtime", description = "Where runs are written and data is read from.")
public @interface RuntimeConfig {

    @AttributeDefinition(description = "Folder of run directories; empty = $CFTREC_RUNS, else <karaf.base>/runs")
    String runsRoot() default "";

    @AttributeDefinition(description = "Folder that relative data paths in specs are resolved against; empty = the caller's working directory")
    String dataRoot() default "";

    @AttributeDefinition(description = "Further folders (comma-separated) that data paths in specs may point into, besides the data root and $CFTREC_DATA_ROOTS")
    String dataRoots() default "";

    @AttributeDefinition(description = "Let data paths in specs point anywhere (off: only into the data roots)")
    boolean allowAnyDataPath() default false;

    @AttributeDefinition(description = "Seconds a run may take to stop after cancel, a plugin going away or shutdown"
            + " before its thread is interrupted (and 10 s later abandoned, marked FAILED, so the queue moves on);"
            + " longer than one training step of your largest model")
    int stopGraceSeconds() default 120;
}
