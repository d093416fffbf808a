package org.cftrec.runtime.console;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.cftrec.api.run.ExperimentService;
import org.cftrec.api.run.RunInfo;

@Service
@Command(scope = "cftrec", name = "show", description = "Shows a run: status, stage, directory and results")
public class ShowCommand implements Action {
    @Reference
    private ExperimentService service;

    @Argument(index = 0, name = "id", required = true, description = "run id (see cftrec:runs)")
    private String id;

    @Override
    public Object execute() throws Exception {
        RunInfo run = Commands.find(service, id);
        System.out.println("id:        " + run.id());
        System.out.println("name:      " + run.name());
        System.out.println("status:    " + run.status());
        System.out.println("stage:     " + run.stage() + String.format(" (%.0f%%)", 100 * run.progress()));
        System.out.println("message:   " + run.message());
        System.out.println("started:   " + run.started());
        System.out.println("ended:     " + run.ended());
        System.out.println("directory: " + run.directory());
        System.out.print(Commands.results(run));
        return null;
    }
}
