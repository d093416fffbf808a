package org.cftrec.runtime.console;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.cftrec.api.run.ExperimentService;
import org.cftrec.api.run.RunInfo;

@Service
@Command(scope = "cftrec", name = "runs", description = "Lists runs with status and progress, most recent first")
public class RunsCommand implements Action {
    @Reference
    private ExperimentService service;

    @Override
    public Object execute() {
        System.out.printf("%-40s %-12s %6s  %s%n", "ID", "STATUS", "DONE", "STAGE");
        for (RunInfo run : service.runs()) {
            System.out.printf("%-40s %-12s %5.0f%%  %s%n", run.id(), run.status(), 100 * run.progress(), run.stage());
        }
        return null;
    }
}
