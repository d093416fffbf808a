package org.cftrec.runtime.console;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.cftrec.api.run.ExperimentService;

import org.cftrec.runtime.run.UserPaths;

@Service
@Command(scope = "cftrec", name = "validate", description = "Checks a spec file against the installed plugins without running it")
public class ValidateCommand implements Action {
    @Reference
    private ExperimentService service;

    @Argument(index = 0, name = "spec", required = true, description = "experiment spec (JSON)")
    private String spec;

    @Override
    public Object execute() {
        service.load(UserPaths.resolve(spec));
        System.out.println(spec + ": valid");
        return null;
    }
}
