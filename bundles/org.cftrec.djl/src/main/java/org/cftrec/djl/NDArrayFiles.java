package org.cftrec.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Named arrays as a safetensors file, written and read in slices of {@link #SLICE_BYTES}: DJL's
 * {@code NDList.encode} copies each array whole (a direct buffer and a byte[]: 1.1 GB for Qwen2.5-0.5B's
 * embeddings), and {@code NDList.decode} holds every array of the file at once (6 GB for that model's weights and
 * AdamW moments). Here the extra memory is one slice while writing and one array while reading.
 */
public final class NDArrayFiles {
    /** Bytes copied out of (or into) the engine at a time. */
    static final long SLICE_BYTES = 16L << 20;
    private static final long MAX_HEADER_BYTES = 100_000_000;

    private NDArrayFiles() {
    }

    /** Writes {@code arrays} in their order and data types; names are the map's keys. */
    public static void write(OutputStream out, Map<String, NDArray> arrays) throws IOException {
        JsonObject header = new JsonObject();
        long offset = 0;
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            NDArray a = e.getValue();
            JsonObject spec = new JsonObject();
            spec.addProperty("dtype", a.getDataType().asSafetensors());
            JsonArray shape = new JsonArray();
            for (long d : a.getShape().getShape()) {
                shape.add(d);
            }
            spec.add("shape", shape);
            long bytes = a.size() * a.getDataType().getNumOfBytes();
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(offset + bytes);
            spec.add("data_offsets", offsets);
            header.add(e.getKey(), spec);
            offset += bytes;
        }
        writeHeader(out, header.toString().getBytes(StandardCharsets.UTF_8));
        for (NDArray a : arrays.values()) {
            long slice = Math.max(1, SLICE_BYTES / a.getDataType().getNumOfBytes());
            try (NDScope ignored = new NDScope()) {
                NDArray flat = a.flatten();
                for (long from = 0; from < a.size(); from += slice) {
                    try (NDScope inner = new NDScope()) {
                        out.write(flat.get(new NDIndex("{}:{}", from, Math.min(from + slice, a.size()))).toByteArray());
                    }
                }
            }
        }
    }

    /**
     * A safetensors file's start: the header's length (8 bytes, little-endian), then the header JSON padded with
     * spaces to a multiple of 8 bytes, so that the data that follows is aligned.
     */
    public static void writeHeader(OutputStream out, byte[] json) throws IOException {
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(padded).put(json);
        while (prefix.hasRemaining()) {
            prefix.put((byte) ' ');
        }
        out.write(prefix.array());
    }

    /** Receives the arrays of a file one at a time; each is closed after the call. */
    @FunctionalInterface
    public interface ArrayConsumer {
        void accept(String name, NDArray array) throws IOException;
    }

    /** Reads a file written by {@link #write} (or any safetensors file), one array at a time, in file order. */
    public static void read(InputStream in, NDManager manager, ArrayConsumer consumer) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] lengthBytes = new byte[8];
        data.readFully(lengthBytes);
        long headerBytes = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerBytes < 2 || headerBytes > MAX_HEADER_BYTES) {
            throw new IOException("not a safetensors file: header of " + headerBytes + " bytes");
        }
        byte[] json = new byte[(int) headerBytes];
        data.readFully(json);
        JsonObject header = JsonParser.parseString(new String(json, StandardCharsets.UTF_8)).getAsJsonObject();
        List<Map.Entry<String, JsonElement>> entries = new ArrayList<>(header.entrySet());
        entries.removeIf(e -> e.getKey().equals("__metadata__"));
        // Data in file order, whatever the order of the header's keys.
        entries.sort(Comparator.comparingLong(e -> e.getValue().getAsJsonObject().getAsJsonArray("data_offsets")
                .get(0).getAsLong()));
        long position = 0;
        for (Map.Entry<String, JsonElement> e : entries) {
            JsonObject spec = e.getValue().getAsJsonObject();
            DataType type = DataType.fromSafetensors(spec.get("dtype").getAsString());
            JsonArray dims = spec.getAsJsonArray("shape");
            long[] shape = new long[dims.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = dims.get(i).getAsLong();
            }
            JsonArray offsets = spec.getAsJsonArray("data_offsets");
            long start = offsets.get(0).getAsLong();
            long end = offsets.get(1).getAsLong();
            long bytes = new Shape(shape).size() * type.getNumOfBytes();
            if (start != position || end - start != bytes || bytes > Integer.MAX_VALUE - 8) {
                throw new IOException("array " + e.getKey() + ": offsets " + start + ".." + end + " do not follow the"
                        + " previous array's end " + position + " with " + bytes + " bytes");
            }
            ByteBuffer buffer = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
            byte[] chunk = new byte[(int) Math.min(SLICE_BYTES, Math.max(bytes, 1))];
            for (long read = 0; read < bytes; ) {
                int n = (int) Math.min(chunk.length, bytes - read);
                data.readFully(chunk, 0, n);
                buffer.put(chunk, 0, n);
                read += n;
            }
            buffer.flip();
            try (NDArray array = manager.create(buffer, new Shape(shape), type)) {
                consumer.accept(e.getKey(), array);
            }
            position = end;
        }
    }
}
