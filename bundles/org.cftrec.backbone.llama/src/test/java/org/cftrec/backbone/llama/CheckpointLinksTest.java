package org.cftrec.backbone.llama;

import org.cftrec.api.model.BackboneRequest;
import org.cftrec.api.testing.LinkEscapes;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.file.Path;
import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

/**
 * Every file the backbone reads from a checkpoint folder and from a LoRA adapter folder, replaced by a link (and
 * a link to a link) out of the allowed roots.
 */
public class CheckpointLinksTest {
    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void checkpointAndAdapterFilesThatAreLinksOutOfTheRootsAreRefused() throws Exception {
        Path root = folder.newFolder("root").toPath();
        try (LlamaBackbone model = TinyModels.create(root.resolve("c"), 7)) {
            model.useAdapters(LoraAdapters.create(LoraTest.CONFIG, model.allWeights(), model.config().layers(),
                    model.manager(), 5));
            model.adapters().save(root.resolve("adapter"), "c");
        }
        Path outside = folder.newFolder("outside").toPath();
        LlamaBackboneProvider provider = new LlamaBackboneProvider();
        LlamaBackboneProvider.Params base = new LlamaBackboneProvider.Params(null, "c", null, null, null, null, null,
                null, null, null, null, null);
        assertEquals(6, LinkEscapes.assertEveryLinkRefused(root, outside, root.resolve("c"),
                List.of("config.json", "tokenizer.json", "model.safetensors"),
                context -> provider.bind(base).open(new BackboneRequest("cpu", List.of(), context)).close()));
        LlamaBackboneProvider.Params adapted = new LlamaBackboneProvider.Params(null, "c", null, null, null, null, null,
                null, null, null, new LlamaBackboneProvider.Lora(null, null, null, null, "adapter"), null);
        assertEquals(4, LinkEscapes.assertEveryLinkRefused(root, outside, root.resolve("adapter"),
                List.of("adapter_config.json", "adapter_model.safetensors"),
                context -> provider.bind(adapted).open(new BackboneRequest("cpu", List.of(), context)).close()));
    }

    @Test
    public void validateChecksTheCheckpointsFilesWithoutLoadingIt() throws Exception {
        Path root = folder.newFolder("v").toPath();
        TinyModels.create(root.resolve("c"), 7).close();
        var context = new org.cftrec.api.PluginContext(1, root, root, List.of(root));
        var loader = new LlamaBackboneProvider().bind(new LlamaBackboneProvider.Params(null, "c", null, null, null,
                null, null, null, null, null, null, null));
        loader.check(context);
        java.nio.file.Files.writeString(root.resolve("c/config.json"), java.nio.file.Files.readString(
                root.resolve("c/config.json")).replace("\"num_hidden_layers\"", "\"num_hidden_layers_x\""));
        Exception e = assertThrows(Exception.class, () -> loader.check(context));
        assertTrue(e.getMessage(), e.getMessage().contains("config.json"));
        TinyModels.create(root.resolve("d"), 7).close();
        java.nio.file.Files.delete(root.resolve("d/model.safetensors"));
        var broken = new LlamaBackboneProvider().bind(new LlamaBackboneProvider.Params(null, "d", null, null, null,
                null, null, null, null, null, null, null));
        e = assertThrows(java.io.IOException.class, () -> broken.check(context));
        assertTrue(e.getMessage(), e.getMessage().endsWith(": no model.safetensors or model.safetensors.index.json"));
    }
}
