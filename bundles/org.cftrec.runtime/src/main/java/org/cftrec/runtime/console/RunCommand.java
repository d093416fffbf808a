package org.cftrec.runtime.console;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.cftrec.api.spec.ExperimentSpec;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.cftrec.api.run.ExperimentService;
import org.cftrec.api.run.RunInfo;

import org.cftrec.runtime.run.UserPaths;

import java.util.List;

@Service
@Command(scope = "cftrec", name = "run", description = "Runs an experiment spec; follows it to the end unless --detach")
public class RunCommand implements Action {
    @Reference
    private ExperimentService service;

    @Reference
    private Session session;

    @Argument(index = 0, name = "spec", required = true, description = "experiment spec (JSON)")
    private String spec;

    @Option(name = "--detach", aliases = "-d", description = "start the run and return at once (not in one-shot mode)")
    private boolean detach;

    @Option(name = "--seed", multiValued = true,
            description = "overrides the spec's seed; several (--seed 1,2,3 or --seed 1 --seed 2) run the spec once per seed, one after another")
    private List<String> seeds;

    @Override
    public Object execute() throws Exception {
        Commands.checkDetachable(detach);
        ExperimentSpec loaded = service.load(UserPaths.resolve(spec));
        List<ExperimentSpec> specs = SeedList.parse(seeds).stream().map(loaded::withSeed).toList();
        for (ExperimentSpec one : specs.isEmpty() ? List.of(loaded) : specs) {
            RunInfo run = service.start(one);
            if (detach) {
                System.out.println("started run " + run.id() + " in " + run.directory());
                continue;
            }
            RunInfo done = Commands.follow(service, run, System.out, session);
            System.out.print(Commands.results(done));
        }
        return null;
    }
}
