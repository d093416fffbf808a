package org.cftrec.runtime.console;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.cftrec.api.run.ExperimentService;
import org.cftrec.api.run.RunInfo;
import org.cftrec.api.spec.ExperimentSpec;
import org.cftrec.runtime.spec.SpecJson;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

@Service
@Command(scope = "cftrec", name = "demo", description = "Runs the embedded demo: SFT vs CFT on the synthetic dataset with the tiny backbone")
public class DemoCommand implements Action {
    /** The demo spec, shipped inside this bundle so that the demo needs no files. */
    static final String DEMO_SPEC = "/org/cftrec/runtime/demo.json";

    @Reference
    private ExperimentService service;

    @Reference
    private Session session;

    @Override
    public Object execute() throws Exception {
        ExperimentSpec spec = SpecJson.parse(demoSpec(), "demo.json");
        service.validate(spec);
        RunInfo done = Commands.follow(service, service.start(spec), System.out, session);
        System.out.print(Commands.results(done));
        return null;
    }

    static String demoSpec() throws IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream(DEMO_SPEC)) {
            if (in == null) {
                throw new IOException("demo spec " + DEMO_SPEC + " missing from the runtime bundle");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
