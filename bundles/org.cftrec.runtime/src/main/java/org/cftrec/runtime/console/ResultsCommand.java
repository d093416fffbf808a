package org.cftrec.runtime.console;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.cftrec.api.run.ExperimentService;

@Service
@Command(scope = "cftrec", name = "results", description = "Prints a run's results table")
public class ResultsCommand implements Action {
    @Reference
    private ExperimentService service;

    @Argument(index = 0, name = "id", required = true, description = "run id")
    private String id;

    @Override
    public Object execute() throws Exception {
        System.out.print(Commands.results(Commands.find(service, id)));
        return null;
    }
}
