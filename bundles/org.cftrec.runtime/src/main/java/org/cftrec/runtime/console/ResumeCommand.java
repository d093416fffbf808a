package org.cftrec.runtime.console;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.cftrec.api.run.ExperimentService;
import org.cftrec.api.run.RunInfo;

@Service
@Command(scope = "cftrec", name = "resume", description = "Continues an interrupted, cancelled or failed run from its checkpoints")
public class ResumeCommand implements Action {
    @Reference
    private ExperimentService service;

    @Reference
    private Session session;

    @Argument(index = 0, name = "id", required = true, description = "run id")
    private String id;

    @Option(name = "--detach", aliases = "-d", description = "return at once")
    private boolean detach;

    @Override
    public Object execute() throws Exception {
        Commands.checkDetachable(detach);
        RunInfo run = service.resume(id);
        if (!detach) {
            System.out.print(Commands.results(Commands.follow(service, run, System.out, session)));
        }
        return null;
    }
}
