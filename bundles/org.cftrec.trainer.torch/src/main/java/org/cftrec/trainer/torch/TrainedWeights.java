package org.cftrec.trainer.torch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Weights the workers wrote ({@code model.safetensors}, float32, Hugging Face names) copied into the backbone's
 * parameters in place, so that the runtime evaluates and saves the trained model as after any trainer. Every
 * parameter must be there with its shape: the workers train all weights (full fine-tuning).
 */
final class TrainedWeights {
    private TrainedWeights() {
    }

    /** Names of the tensors in a safetensors file, for the check that the workers can train every parameter. */
    static Set<String> names(Path file) throws IOException {
        Set<String> names = new TreeSet<>();
        header(file).header().fieldNames().forEachRemaining(names::add);
        names.remove("__metadata__");
        return names;
    }

    static void copyInto(Path file, Map<String, NDArray> parameters) throws IOException {
        Header h = header(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            for (Map.Entry<String, NDArray> parameter : parameters.entrySet()) {
                JsonNode meta = h.header().get(parameter.getKey());
                NDArray target = parameter.getValue();
                if (meta == null) {
                    throw new IOException(file + " has no tensor '" + parameter.getKey() + "'");
                }
                if (!"F32".equals(meta.path("dtype").asText()) || target.getDataType() != DataType.FLOAT32) {
                    throw new IOException(file + ": " + parameter.getKey() + " is " + meta.path("dtype").asText()
                            + ", the model's is " + target.getDataType() + "; both must be float32");
                }
                long begin = meta.path("data_offsets").get(0).asLong();
                long end = meta.path("data_offsets").get(1).asLong();
                if ((end - begin) != target.size() * Float.BYTES) {
                    throw new IOException(file + ": " + parameter.getKey() + " holds " + (end - begin) / Float.BYTES
                            + " values, the model's " + target.getShape() + " needs " + target.size());
                }
                ByteBuffer bytes = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
                channel.position(h.dataStart() + begin);
                while (bytes.hasRemaining() && channel.read(bytes) >= 0) {
                    // read until full
                }
                bytes.flip();
                target.set(bytes.asFloatBuffer());
            }
        }
    }

    private record Header(JsonNode header, long dataStart) {
    }

    private static Header header(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(length);
            long size = length.flip().getLong();
            if (size <= 0 || size > 100_000_000) {
                throw new IOException(file + ": not a safetensors file (header length " + size + ")");
            }
            ByteBuffer json = ByteBuffer.allocate((int) size);
            while (json.hasRemaining() && channel.read(json) >= 0) {
                // read until full
            }
            return new Header(new ObjectMapper().readTree(json.array()), 8 + size);
        }
    }
}
