package org.cftrec.trainer.djl;

import org.cftrec.api.train.TrainerParams;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.cftrec.djl.NDArrayFiles;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

/** Checkpoint files written and read in slices are ordinary safetensors files, bit for bit what was saved. */
public class CheckpointFilesTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void arraysLargerThanASliceRoundTripAndDjlReadsTheFile() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            arrays.put("big", manager.randomNormal(new Shape(5_000_011))); // 20 MB: two 16 MB slices
            arrays.put("matrix", manager.arange(12f).reshape(3, 4));
            arrays.put("ids", manager.create(new long[] {7, -1, 1L << 40}));
            arrays.put("half", manager.create(new float[] {1.5f, -2f}).toType(DataType.FLOAT16, false));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            NDArrayFiles.write(out, arrays);
            byte[] file = out.toByteArray();

            Map<String, byte[]> read = new LinkedHashMap<>();
            NDArrayFiles.read(new ByteArrayInputStream(file), manager, (name, array) -> {
                assertEquals(name, arrays.get(name).getShape(), array.getShape());
                assertEquals(name, arrays.get(name).getDataType(), array.getDataType());
                read.put(name, array.toByteArray());
            });
            assertEquals(arrays.keySet(), read.keySet());
            arrays.forEach((name, a) -> assertArrayEquals(name, a.toByteArray(), read.get(name)));

            NDList byDjl = NDList.decode(manager, new ByteArrayInputStream(file));
            assertEquals(4, byDjl.size());
            assertArrayEquals(arrays.get("big").toByteArray(), byDjl.get("big").toByteArray());
        }
    }

    @Test
    public void aCheckpointOfAnotherModelNamesWhatIsMissing() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> saved = Map.of("w", manager.ones(new Shape(2, 2)));
            AdamW optimizer = new AdamW(TrainerParams.defaults(), saved, manager);
            var folder = tmp.getRoot().toPath().resolve("last");
            Checkpoints.save(folder, saved, optimizer, TrainerState.initial());
            Map<String, NDArray> other = new LinkedHashMap<>();
            other.put("w", manager.zeros(new Shape(2, 2)));
            other.put("lora_A", manager.zeros(new Shape(1, 2)));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Checkpoints.restore(folder, other, null, manager));
            assertTrue(e.getMessage(), e.getMessage().contains("lacks lora_A"));
            Map<String, NDArray> same = Map.of("w", manager.zeros(new Shape(2, 2)));
            Checkpoints.restore(folder, same, null, manager);
            assertArrayEquals(new float[] {1, 1, 1, 1}, same.get("w").toFloatArray(), 0f);
        }
    }
}
