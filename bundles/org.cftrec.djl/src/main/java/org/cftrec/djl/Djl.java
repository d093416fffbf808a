package org.cftrec.djl;

import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Calls into DJL that discover engines or native libraries through the thread context classloader (TCCL).
 * Inside OSGi the TCCL is not this bundle's loader, so such calls run with it switched for their duration.
 */
public final class Djl {
    private Djl() {
    }

    /** Runs {@code action} with the TCCL set to the loader that sees every embedded DJL jar. */
    public static <T> T withTccl(Callable<T> action) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(Djl.class.getClassLoader());
        try {
            return action.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** The default engine (PyTorch); initialised by the activator, so this never triggers discovery. */
    public static Engine engine() {
        return withTccl(Engine::getInstance);
    }

    /** Opens a Hugging Face {@code tokenizer.json}; the tokenizer's native library is located through the TCCL. */
    public static HuggingFaceTokenizer tokenizer(Path tokenizerJson, Map<String, String> options) {
        return withTccl(() -> HuggingFaceTokenizer.newInstance(tokenizerJson, options));
    }

    /**
     * Turns gradient tracking off on the calling thread. PyTorch keeps this switch per thread and starts new
     * threads with tracking on; DJL turns it off only on the thread that loaded the engine. Worker threads call
     * this before they compute, so that inference builds no autograd graph and optimisers may update weights
     * in place (a GradientCollector turns tracking on for its own duration).
     */
    public static void disableGradientTracking() {
        setGradientTracking(false);
    }

    /** Whether operations are recorded for autograd now (true inside a gradient collector). */
    public static boolean gradientTracking() {
        return "PyTorch".equals(engine().getEngineName()) && ai.djl.pytorch.jni.JniUtils.isGradMode();
    }

    /** Sets whether operations are recorded for autograd (PyTorch's grad mode). */
    public static void setGradientTracking(boolean on) {
        if ("PyTorch".equals(engine().getEngineName())) {
            ai.djl.pytorch.jni.JniUtils.setGradMode(on);
        }
    }

    /**
     * Propagates {@code gradient} (d loss / d {@code output}, same shape) back through {@code output}'s graph,
     * accumulating into the gradients of the arrays it depends on: PyTorch's {@code output.backward(gradient)}.
     */
    public static void backward(ai.djl.ndarray.NDArray output, ai.djl.ndarray.NDArray gradient) {
        ai.djl.pytorch.jni.JniUtils.backward((ai.djl.pytorch.engine.PtNDArray) output,
                (ai.djl.pytorch.engine.PtNDArray) gradient, false, false);
    }

    /**
     * A scalar array of {@code like}'s type for arithmetic on arrays that take part in autograd. DJL's
     * {@code mul(Number)}, {@code div(Number)} and friends wrap the number in a temporary array backed by a Java
     * direct buffer and close it right after the operation; PyTorch's graph keeps that memory for the backward
     * pass, and a garbage collection before {@code backward} frees it under the graph (NaN or wrong gradients).
     * The array made here lives in the caller's NDScope or manager until after the backward pass.
     */
    public static NDArray scalar(NDArray like, double value) {
        NDArray scalar = like.getManager().create((float) value);
        return like.getDataType() == DataType.FLOAT32 ? scalar : scalar.toType(like.getDataType(), false);
    }

    /**
     * Rows {@code indices} ([N] int64) of a 2-D array, as [N, columns]. Implemented as a gather, whose CPU
     * backward (scatter-add) is deterministic, unlike advanced indexing ({@code get(NDArray)}), whose backward
     * accumulates with atomic adds across threads and so varies in the last bits from run to run.
     */
    public static NDArray selectRows(NDArray matrix, NDArray indices) {
        long n = indices.getShape().get(0);
        long columns = matrix.getShape().get(1);
        NDArray index = indices.reshape(n, 1).broadcast(new ai.djl.ndarray.types.Shape(n, columns));
        return matrix.gather(index, 0);
    }

    /** One line for logs and provenance: engine name and version, DJL version, default device. */
    public static String describe() {
        Engine engine = engine();
        return engine.getEngineName() + " " + engine.getVersion() + " (DJL " + Engine.getDjlVersion()
                + ", default device " + engine.defaultDevice() + ", GPUs " + engine.getGpuCount() + ")";
    }
}
