package org.cftrec.backbone.llama;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cftrec.djl.NDArrayFiles;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header (name -> dtype, shape,
 * data offsets) and the raw little-endian data. Reads F32, F16 and BF16 into float32; writes F32.
 */
public final class Safetensors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Safetensors() {
    }

    /** A tensor read as float32. */
    public record Tensor(String dtype, long[] shape, float[] values) {
        public long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /** A tensor as a file's header describes it (checked), its data still on disk. */
    public record Stored(Path file, String name, String dtype, long[] shape, long offset, long bytes) {
        /** The values as float32. */
        public float[] read() throws IOException {
            return read(0, bytes / width());
        }

        /** Bytes per stored value. */
        int width() {
            return dtype.equals("F32") ? 4 : 2;
        }

        /** {@code count} values from value {@code first} on, as float32 (large tensors are read in blocks). */
        public float[] read(long first, long count) throws IOException {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, offset + first * width(),
                        count * width());
                mapped.order(ByteOrder.LITTLE_ENDIAN);
                float[] values = new float[(int) count];
                switch (dtype) {
                    case "F32" -> mapped.asFloatBuffer().get(values);
                    case "BF16" -> {
                        for (int i = 0; i < values.length; i++) {
                            values[i] = Float.intBitsToFloat((mapped.getShort() & 0xffff) << 16);
                        }
                    }
                    default -> {
                        for (int i = 0; i < values.length; i++) {
                            values[i] = halfToFloat(mapped.getShort());
                        }
                    }
                }
                return values;
            }
        }
    }

    /** The safetensors format's own bound on the header (100 MB). */
    static final long MAX_HEADER_BYTES = 100_000_000;

    /**
     * The tensors of one file as its header describes them, checked against the file (dtype, shape, offsets),
     * without reading their data: a checkpoint is read one tensor at a time, so that loading needs no more
     * memory than its largest tensor besides the model itself.
     */
    public static Map<String, Stored> index(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw new IOException(file + ": not a safetensors file (shorter than its 8-byte header length)");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(lengthBytes, 0);
            long headerLength = lengthBytes.flip().getLong();
            if (headerLength <= 0 || headerLength > size - 8 || headerLength > MAX_HEADER_BYTES) {
                throw new IOException(file + ": corrupt safetensors header length " + headerLength + " (file size "
                        + size + ", at most " + MAX_HEADER_BYTES + " bytes of header)");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            channel.read(headerBytes, 8);
            JsonNode header;
            try {
                header = JSON.readTree(new String(headerBytes.array(), StandardCharsets.UTF_8));
            } catch (JsonProcessingException e) {
                throw new IOException(file + ": the safetensors header is not valid JSON (" + e.getOriginalMessage() + ")", e);
            }
            if (header == null || !header.isObject()) {
                throw new IOException(file + ": the safetensors header is not a JSON object");
            }
            long dataStart = 8 + headerLength;
            Map<String, Stored> tensors = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (entry.getKey().equals("__metadata__")) {
                    continue;
                }
                tensors.put(entry.getKey(), describe(file, entry.getKey(), entry.getValue(), dataStart, size));
            }
            return tensors;
        }
    }

    private static Stored describe(Path file, String name, JsonNode spec, long dataStart, long fileSize)
            throws IOException {
        String dtype = spec.path("dtype").asText();
        JsonNode shapeNode = spec.path("shape");
        long[] shape = new long[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong(-1);
            if (shape[i] < 0 || !shapeNode.get(i).canConvertToLong()) {
                throw new IOException(file + ": tensor " + name + " has shape " + shapeNode + "; dimensions must be"
                        + " whole numbers >= 0");
            }
            elements = shape[i] == 0 ? 0 : elements > Long.MAX_VALUE / shape[i] ? Long.MAX_VALUE : elements * shape[i];
        }
        long begin = spec.path("data_offsets").path(0).asLong();
        long end = spec.path("data_offsets").path(1).asLong();
        int width = switch (dtype) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> throw new IOException(file + ": tensor " + name + " has dtype " + dtype
                    + "; supported: F32, F16, BF16");
        };
        if (elements > Integer.MAX_VALUE) {
            throw new IOException(file + ": tensor " + name + " has more than 2^31 elements");
        }
        if (begin < 0 || end < begin || end - begin != elements * width || end > fileSize - dataStart) {
            throw new IOException(file + ": tensor " + name + " data offsets [" + begin + ", " + end
                    + ") do not match its shape and dtype or the file size");
        }
        return new Stored(file, name, dtype, shape, dataStart + begin, end - begin);
    }


    /** IEEE 754 binary16 to float (Float.float16ToFloat only exists from Java 20). */
    static float halfToFloat(short half) {
        int bits = half & 0xffff;
        int sign = (bits >>> 15) << 31;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0) {
            if (mantissa == 0) {
                return Float.intBitsToFloat(sign);
            }
            // subnormal: value = mantissa * 2^-24
            float value = mantissa / 16777216f;
            return sign != 0 ? -value : value;
        }
        if (exponent == 31) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }

    /** Writes float32 tensors (sorted by name), with the header padded to a multiple of 8 bytes. */
    public static void writeF32(OutputStream out, Map<String, Tensor> tensors) throws IOException {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        tensors.forEach((name, t) -> shapes.put(name, t.shape()));
        writeF32(out, shapes, name -> tensors.get(name).values());
    }

    /** The values of one tensor, made when the writer reaches it. */
    @FunctionalInterface
    public interface Values {
        float[] of(String name) throws IOException;
    }

    /**
     * Writes float32 tensors (sorted by name) whose values are made one at a time: writing a model of any size
     * needs its largest tensor in memory, not all of them.
     */
    public static void writeF32(OutputStream out, Map<String, long[]> shapes, Values values) throws IOException {
        Map<String, long[]> sorted = new TreeMap<>(shapes);
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (Map.Entry<String, long[]> e : sorted.entrySet()) {
            ObjectNode spec = header.putObject(e.getKey());
            spec.put("dtype", "F32");
            var shape = spec.putArray("shape");
            long elements = 1;
            for (long d : e.getValue()) {
                shape.add(d);
                elements *= d;
            }
            long bytes = 4L * elements;
            spec.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        NDArrayFiles.writeHeader(out, JSON.writeValueAsBytes(header));
        ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        for (String name : sorted.keySet()) {
            float[] v = values.of(name);
            for (int i = 0; i < v.length; ) {
                int n = Math.min(v.length - i, chunk.capacity() / 4);
                chunk.clear();
                chunk.asFloatBuffer().put(v, i, n);
                out.write(chunk.array(), 0, 4 * n);
                i += n;
            }
        }
    }
}
