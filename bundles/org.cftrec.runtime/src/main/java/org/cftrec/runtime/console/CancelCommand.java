package org.cftrec.runtime.console;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.cftrec.api.run.ExperimentService;

@Service
@Command(scope = "cftrec", name = "cancel", description = "Stops a run at its next step boundary (with a checkpoint)")
public class CancelCommand implements Action {
    @Reference
    private ExperimentService service;

    @Argument(index = 0, name = "id", required = true, description = "run id")
    private String id;

    @Override
    public Object execute() {
        if (!service.cancel(id)) {
            throw new IllegalStateException("run '" + id + "' is unknown or already finished");
        }
        System.out.println("stop requested for " + id);
        return null;
    }
}
