package org.cftrec.runtime.console;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.cftrec.api.spec.ExperimentSpec;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.cftrec.api.run.ExperimentService;
import org.cftrec.api.run.RunInfo;

import org.cftrec.runtime.run.UserPaths;

@Service
@Command(scope = "cftrec", name = "run", description = "Runs an experiment spec; follows it to the end unless --detach")
public class RunCommand implements Action {
    @Reference
    private ExperimentService service;

    @Argument(index = 0, name = "spec", required = true, description = "experiment spec (JSON)")
    private String spec;

    @Option(name = "--detach", aliases = "-d", description = "start the run and return at once")
    private boolean detach;

    @Option(name = "--seed", description = "overrides the spec's seed (repeat an experiment over seeds)")
    private Long seed;

    @Override
    public Object execute() throws Exception {
        ExperimentSpec loaded = service.load(UserPaths.resolve(spec));
        RunInfo run = service.start(seed == null ? loaded : loaded.withSeed(seed));
        if (detach) {
            System.out.println("started run " + run.id() + " in " + run.directory());
            return null;
        }
        RunInfo done = Commands.follow(service, run, System.out);
        System.out.print(Commands.results(done));
        return null;
    }
}
