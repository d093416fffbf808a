/**
 * The DJL platform: the activator that initialises the PyTorch engine and the tokenizer natives inside
 * OSGi, and {@link org.cftrec.djl.Djl}, the helper for later calls that DJL resolves through the thread
 * context classloader.
 */
@org.osgi.annotation.versioning.Version("1.2.0")
@org.osgi.annotation.bundle.Export
package org.cftrec.djl;
