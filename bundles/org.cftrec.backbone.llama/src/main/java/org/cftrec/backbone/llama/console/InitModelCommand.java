package org.cftrec.backbone.llama.console;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.cftrec.backbone.llama.RealShapes;

import java.nio.file.Path;

@Service
@Command(scope = "cftrec", name = "init-model",
        description = "Writes a checkpoint of a released model's exact shape with random weights (HF layout, real config.json, the given tokenizer)")
public class InitModelCommand implements Action {
    /** bin/cftrec passes the caller's directory; Karaf's own is the distribution folder. */
    private static final String CWD_VARIABLE = "CFTREC_CWD";

    @Option(name = "--shape", description = "the release whose shape to write (default qwen2.5-0.5b)")
    private String shape = "qwen2.5-0.5b";

    @Option(name = "--layers", description = "fewer decoder layers than the release (a reduced real shape); 0 = as released")
    private int layers;

    @Option(name = "--seed", description = "seed of the random weights")
    private long seed = 1;

    @Option(name = "--tokenizer", required = true, description = "folder with the release's tokenizer.json (e.g. ../shared/tokenizers/qwen3)")
    private String tokenizer;

    @Argument(index = 0, name = "folder", required = true, description = "new checkpoint folder (must not exist)")
    private String folder;

    @Override
    public Object execute() throws Exception {
        String cwd = System.getenv(CWD_VARIABLE);
        Path base = Path.of(cwd == null || cwd.isBlank() ? System.getProperty("user.dir") : cwd);
        Path target = base.resolve(folder).normalize();
        long started = System.nanoTime();
        RealShapes.write(shape, layers, base.resolve(tokenizer).normalize(), seed, target);
        System.out.printf("%s (%s%s, random weights) written to %s in %.1f s%n", shape,
                layers > 0 ? layers + " layers" : "as released", ", seed " + seed, target,
                (System.nanoTime() - started) / 1e9);
        return null;
    }
}
