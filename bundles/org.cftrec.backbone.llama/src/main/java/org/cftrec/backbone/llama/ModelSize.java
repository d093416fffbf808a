package org.cftrec.backbone.llama;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What a config's model costs, computed from its fields alone (long arithmetic, overflow refused) before any
 * tensor is listed, read or allocated: a hostile or mistyped {@code config.json} (a million layers, a hidden
 * size of 65,536 x 262,144) gets one clear message instead of minutes of work and an OutOfMemoryError inside the
 * runtime that every run shares.
 */
final class ModelSize {
    /** The largest Java array (a tensor is read into one float[]). */
    static final long MAX_TENSOR_ELEMENTS = Integer.MAX_VALUE - 8L;
    private static final long FLOAT32_BYTES = 4;

    private ModelSize() {
    }

    /** Parameters of the model (embeddings, layers, final norm, untied head). */
    static long parameters(LlamaConfig c) {
        try {
            long h = c.hiddenSize();
            long q = Math.multiplyExact((long) c.heads(), c.headSize());
            long kv = Math.multiplyExact((long) c.kvHeads(), c.headSize());
            long i = c.intermediateSize();
            long embedding = Math.multiplyExact((long) c.vocabSize(), h);
            long attention = Math.addExact(Math.multiplyExact(2 * h, q), Math.multiplyExact(2 * h, kv));
            long biases = c.attentionBias() ? q + 2 * kv : 0;
            long mlp = Math.multiplyExact(3 * h, i);
            long layer = Math.addExact(Math.addExact(attention, biases), Math.addExact(mlp, 2 * h));
            long total = Math.addExact(Math.addExact(embedding, Math.multiplyExact(layer, (long) c.layers())), h);
            return c.tieWordEmbeddings() ? total : Math.addExact(total, embedding);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("config.json: the model's parameter count overflows a 64-bit integer"
                    + " (hidden_size " + c.hiddenSize() + ", intermediate_size " + c.intermediateSize()
                    + ", num_hidden_layers " + c.layers() + ", vocab_size " + c.vocabSize() + ")");
        }
    }

    /**
     * Refuses a model that cannot be loaded here: a tensor larger than a Java array or (as float32) than the JVM's
     * heap (checkpoints are read in blocks and written one tensor at a time, so the heap needs the largest
     * tensor, not the model), or weights (as float32) larger than the machine's memory.
     *
     * @throws IllegalArgumentException naming the config fields and the limit, with what to do about it
     */
    static void checkLoadable(LlamaConfig c, long heapBytes, long memoryBytes) {
        long h = c.hiddenSize();
        long largest = 0;
        String largestName = "";
        long[][] widest = {{c.vocabSize(), h}, {c.intermediateSize(), h}, {(long) c.heads() * c.headSize(), h}};
        String[] names = {"vocab_size x hidden_size", "intermediate_size x hidden_size",
                "num_attention_heads x head size x hidden_size"};
        for (int t = 0; t < widest.length; t++) {
            long elements;
            try {
                elements = Math.multiplyExact(widest[t][0], widest[t][1]);
            } catch (ArithmeticException e) {
                elements = Long.MAX_VALUE;
            }
            if (elements > MAX_TENSOR_ELEMENTS) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "config.json: one tensor (%s = %,d"
                        + " elements) is larger than the %,d elements a tensor may have here", names[t], elements,
                        MAX_TENSOR_ELEMENTS));
            }
            if (elements > largest) {
                largest = elements;
                largestName = names[t];
            }
        }
        long parameters = parameters(c);
        long bytes = parameters > Long.MAX_VALUE / FLOAT32_BYTES ? Long.MAX_VALUE : parameters * FLOAT32_BYTES;
        if (bytes > memoryBytes) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "config.json: the model has %,d parameters"
                    + " (%s as float32), more than this machine's memory (%s)", parameters, gigabytes(bytes),
                    gigabytes(memoryBytes)));
        }
        long largestBytes = largest * FLOAT32_BYTES;
        if (largestBytes > heapBytes / 2) { // the tensor's float[] and the buffers around it
            throw new IllegalArgumentException(String.format(Locale.ROOT, "config.json: the largest tensor (%s,"
                    + " %s as float32) needs more than half the runtime's Java heap (%s), through which tensors are"
                    + " read and written one at a time; start it with a larger heap, e.g. EXTRA_JAVA_OPTS=-Xmx%dg",
                    largestName, gigabytes(largestBytes), gigabytes(heapBytes),
                    (long) Math.ceil(largestBytes * 3.0 / (1L << 30))));
        }
    }

    /** {@link #checkLoadable} against this JVM's heap and this machine's memory. */
    static void checkLoadable(LlamaConfig c) {
        checkLoadable(c, Runtime.getRuntime().maxMemory(), physicalMemory());
    }

    /** The machine's memory (Linux: /proc/meminfo); unknown elsewhere, then no limit. */
    static long physicalMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable: no limit from here
        }
        return Long.MAX_VALUE;
    }

    private static String gigabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
    }
}
